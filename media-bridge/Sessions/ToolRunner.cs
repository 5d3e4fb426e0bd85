using System.Text.Json;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Executes the model's function calls for one call, off the audio path. Answers are JSON strings handed back
/// to the model as <c>function_call_output</c>. <c>end_call</c> is not run here: the session owns the hangup.
/// </summary>
public sealed class ToolRunner(CallContext context, LeadStore leads, TimeProvider time)
{
    private Lead? _lead = context.Lead;

    public async Task<string> RunAsync(string name, string arguments, CancellationToken ct)
    {
        using var args = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
        var root = args.RootElement;
        return name switch
        {
            AgentTools.LookupLead => _lead is null
                ? """{"found":false}"""
                : JsonSerializer.Serialize(new { found = true, name = _lead.Name, status = _lead.Status, notes = _lead.Notes, phone = _lead.Phone }),
            AgentTools.UpdateLead => await UpdateLeadAsync(
                Str(root, "name"), Str(root, "status"), Str(root, "note"), ct).ConfigureAwait(false),
            AgentTools.ScheduleCallback => await ScheduleCallbackAsync(Str(root, "at"), Str(root, "reason"), ct).ConfigureAwait(false),
            _ when context.DeclaredTools.TryGetValue(name, out var declared) => await RunDeclaredAsync(declared, arguments, ct).ConfigureAwait(false),
            _ => JsonSerializer.Serialize(new { error = $"unknown tool {name}" }),
        };
    }

    private async Task<string> UpdateLeadAsync(string? name, string? status, string? note, CancellationToken ct)
    {
        if (status is not null && !LeadStatuses.All.Contains(status))
        {
            return JsonSerializer.Serialize(new { error = $"unknown status {status}" });
        }

        return await ChangeLeadAsync(l => l with
        {
            Name = name ?? l.Name,
            Status = status ?? l.Status,
            Notes = note is null ? l.Notes : AppendNote(l.Notes, note),
        }, ct).ConfigureAwait(false);
    }

    private async Task<string> ScheduleCallbackAsync(string? at, string? reason, CancellationToken ct)
    {
        if (!DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var when)
            || when <= time.GetUtcNow())
        {
            return JsonSerializer.Serialize(new { error = "at must be a future ISO 8601 date and time with offset" });
        }

        // The callback is recorded on the lead, where the outbound dialer and the dashboards read it.
        var note = $"Callback requested for {when:O}{(reason is null ? "" : ": " + reason)}";
        return await ChangeLeadAsync(l => l with { Notes = AppendNote(l.Notes, note) }, ct).ConfigureAwait(false);
    }

    private async Task<string> RunDeclaredAsync(DeclaredTool tool, string arguments, CancellationToken ct) =>
        tool.Effect switch
        {
            DeclaredToolEffect.Reply => JsonSerializer.Serialize(new { reply = tool.ReplyText }),
            DeclaredToolEffect.AppendToLeadNotes => await ChangeLeadAsync(
                l => l with { Notes = AppendNote(l.Notes, $"{tool.Name}: {arguments}") }, ct).ConfigureAwait(false),
            _ => JsonSerializer.Serialize(new { error = "unsupported effect" }),
        };

    private async Task<string> ChangeLeadAsync(Func<Lead, Lead> change, CancellationToken ct)
    {
        if (_lead is null)
        {
            return """{"error":"no lead is linked to this call"}""";
        }

        var updated = await leads.UpdateAsync(_lead.TenantId, _lead.Id, change, ct).ConfigureAwait(false);
        _lead = updated ?? _lead;
        return """{"ok":true}""";
    }

    private static string AppendNote(string? notes, string note) =>
        string.IsNullOrEmpty(notes) ? note : notes + "\n" + note;

    private static string? Str(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
