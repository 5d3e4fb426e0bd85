using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Executes the model's function calls for one call, off the audio path. Answers are JSON strings handed back
/// to the model as <c>function_call_output</c>. <c>end_call</c> is not run here: the session owns the hangup.
/// </summary>
public sealed class ToolRunner(CallContext context, LeadStore leads, CallbackRequests callbacks, TimeProvider time)
{
    /// <summary>The answer to <c>end_call</c>: the model says goodbye; the hangup follows once that has played.</summary>
    public const string EndCallOutput = """{"ok":true,"note":"say a short goodbye now"}""";

    /// <summary>The answer when a tool threw: the model hears that it failed, the call goes on.</summary>
    public const string FailedOutput = """{"error":"the tool failed"}""";

    /// <summary>The answer to a function call whose response did not complete: it was not run.</summary>
    public const string NotRunOutput = """{"ok":false,"note":"not done: the response was cut off before the call completed; call it again if it is still wanted"}""";

    private Lead? _lead = context.Lead;

    /// <summary>
    /// The output for a call of a completed response: <c>end_call</c> gets <see cref="EndCallOutput"/> and is
    /// not run; a tool that throws gets <see cref="FailedOutput"/>, the failure handed to <paramref name="failed"/>.
    /// </summary>
    internal async Task<string> AnswerAsync(FunctionCall call, Action<Exception> failed, CancellationToken ct)
    {
        if (call.Name == AgentTools.EndCall)
        {
            return EndCallOutput;
        }

        try
        {
            return await RunAsync(call.Name, call.Arguments, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failed(e);
            return FailedOutput;
        }
    }

    public async Task<string> RunAsync(string name, string arguments, CancellationToken ct)
    {
        using var args = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
        var root = args.RootElement;
        return name switch
        {
            AgentTools.LookupLead => _lead is null
                ? """{"found":false}"""
                : new JsonObject { ["found"] = true, ["name"] = _lead.Name, ["status"] = _lead.Status, ["notes"] = _lead.Notes, ["phone"] = _lead.Phone }.ToJsonString(),
            AgentTools.UpdateLead => await UpdateLeadAsync(
                Str(root, "name"), Str(root, "status"), Str(root, "note"), ct).ConfigureAwait(false),
            AgentTools.ScheduleCallback => await ScheduleCallbackAsync(Str(root, "at"), Str(root, "reason"), ct).ConfigureAwait(false),
            _ when context.DeclaredTools.TryGetValue(name, out var declared) => await RunDeclaredAsync(declared, arguments, ct).ConfigureAwait(false),
            _ => Error($"unknown tool {name}"),
        };
    }

    private async Task<string> UpdateLeadAsync(string? name, string? status, string? note, CancellationToken ct)
    {
        if (status is not null && !LeadStatuses.All.Contains(status))
        {
            return Error($"unknown status {status}");
        }

        return await ChangeLeadAsync(l => l with
        {
            Name = name ?? l.Name,
            Status = status ?? l.Status,
            Notes = note is null ? l.Notes : AppendNote(l.Notes, note),
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores the callback (once per lead and time, so a repeated tool call is the same callback) for this call's
    /// lead, and notes it on the lead. Its orchestration is started when this call ends (by the call's status
    /// webhook, which holds a Durable client; the bridge has none).
    /// </summary>
    private async Task<string> ScheduleCallbackAsync(string? at, string? reason, CancellationToken ct)
    {
        if (!DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var when)
            || when <= time.GetUtcNow())
        {
            return Error("at must be a future ISO 8601 date and time with offset");
        }

        if (_lead is null)
        {
            return """{"error":"no lead is linked to this call"}""";
        }

        var (callback, errors, _) = await callbacks.RequestAsync(
            context.Tenant, _lead.Id, at, reason, CallbackSources.Call, context.Claims.CallSid, ct).ConfigureAwait(false);
        if (callback is null)
        {
            return Error(string.Join("; ", errors));
        }

        var note = $"Callback requested for {when:O}{(reason is null ? "" : ": " + reason)}";
        await ChangeLeadAsync(l => l.Notes?.Contains(note, StringComparison.Ordinal) == true ? l : l with { Notes = AppendNote(l.Notes, note) }, ct).ConfigureAwait(false);
        return new JsonObject { ["ok"] = true, ["scheduledFor"] = callback.ScheduledFor }.ToJsonString();
    }

    private async Task<string> RunDeclaredAsync(DeclaredTool tool, string arguments, CancellationToken ct) =>
        tool.Effect switch
        {
            DeclaredToolEffect.Reply => new JsonObject { ["reply"] = tool.ReplyText }.ToJsonString(),
            DeclaredToolEffect.AppendToLeadNotes => await ChangeLeadAsync(
                l => l with { Notes = AppendNote(l.Notes, $"{tool.Name}: {arguments}") }, ct).ConfigureAwait(false),
            _ => Error("unsupported effect"),
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

    // Tool outputs are built as JSON nodes, not serialized anonymous objects: the Native AOT build has no
    // reflection-based serializer. Same text: camelCase names, nulls written, the serializer's default escaping.
    private static string Error(string error) => new JsonObject { ["error"] = error }.ToJsonString();
}
