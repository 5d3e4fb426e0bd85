using System.Text.Json;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Crm;
using CallCenter.Core.Faults;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// The WhatsApp agent's tools (<see cref="AgentTools.WhatsApp"/>), run by the reply workflow. Every answer is a JSON
/// string for the model; a request the tool refuses is an <c>error</c> answer, never an exception, so the model
/// can tell the contact and the reply still goes out.
/// </summary>
public sealed class WhatsAppTools(TenantStore tenants, LeadStore leads, CallbackRequests callbacks, ILogger<WhatsAppTools> logger)
{
    public async Task<string> RunAsync(WhatsAppMessageRef message, WhatsAppToolCall call, DurableTaskClient durable, CancellationToken ct = default)
    {
        JsonElement args;
        try
        {
            using var parsed = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.Arguments) ? "{}" : call.Arguments);
            args = parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error("the arguments are not JSON");
        }

        return call.Name switch
        {
            AgentTools.ScheduleCallback when args.ValueKind == JsonValueKind.Object =>
                await ScheduleCallbackAsync(message, Str(args, "at"), Str(args, "reason"), durable, ct).ConfigureAwait(false),
            AgentTools.ScheduleCallback => Error("the arguments must be a JSON object"),
            _ => Error($"unknown tool {call.Name}"),
        };
    }

    /// <summary>
    /// Stores one callback for (contact's lead, time), source <c>whatsapp</c>, and starts its orchestration under the
    /// start rule (instance <c>callback-{id}</c>): a retried or replayed call of this step finds the same row and the
    /// same instance, so it stores and starts nothing new.
    /// </summary>
    private async Task<string> ScheduleCallbackAsync(WhatsAppMessageRef message, string? at, string? reason, DurableTaskClient durable, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(message.TenantId, ct).ConfigureAwait(false)
            ?? throw new PermanentFailureException($"Tenant {message.TenantId} is gone.");
        var (lead, _) = await leads.GetOrCreateByPhoneAsync(tenant.Id, message.Phone, LeadSources.WhatsApp, ct: ct).ConfigureAwait(false);
        var (callback, errors, created) = await callbacks.RequestAsync(tenant, lead.Id, at, reason, CallbackSources.WhatsApp, ct: ct).ConfigureAwait(false);
        if (callback is null)
        {
            WhatsAppTrace.CallbackRefused(logger, message.ConversationId, message.TenantId, string.Join("; ", errors));
            return Error(string.Join("; ", errors));
        }

        // Also when the row existed: a crash between the row and the start is mended by the retry.
        await durable.StartAsync(callback, ct).ConfigureAwait(false);
        if (created)
        {
            WhatsAppTrace.CallbackScheduled(logger, callback.Id, message.ConversationId, message.TenantId);
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        return JsonSerializer.Serialize(new
        {
            ok = callback.Status == CallbackStatuses.Scheduled,
            callbackId = callback.Id,
            status = callback.Status,
            scheduledFor = TimeZoneInfo.ConvertTime(callback.ScheduledFor, zone),
        });
    }

    private static string Error(string error) => JsonSerializer.Serialize(new { error });

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
