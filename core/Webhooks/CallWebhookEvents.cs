using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Core.Calls;

namespace CallCenter.Core.Webhooks;

/// <summary>The events a finished call raises, built from its call log alone.</summary>
public static class CallWebhookEvents
{
    /// <summary>
    /// <c>call.completed</c> for every finished call, and <c>call.transferred</c> / <c>call.voicemail</c> where
    /// they apply (see <see cref="Kinds"/>). <paramref name="publicRoot"/> makes the links absolute.
    /// </summary>
    public static IReadOnlyList<WebhookEvent> For(CallLog call, string? publicRoot)
    {
        var createdAt = call.WorkflowFinishedAt ?? call.CreatedAt;
        return [.. Kinds(call).Select(type => new WebhookEvent(EventId(call, type), type, createdAt, call.CallSid, Data(call, publicRoot)))];
    }

    /// <summary>Stable per (tenant, call, type): a replayed workflow or a redelivery carries the same id.</summary>
    public static string EventId(CallLog call, string type) =>
        "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{call.TenantId}\n{call.CallSid}\n{type}")))[..32];

    /// <summary>
    /// Which events the call raises: the one place to extend when the call log learns more (a transfer's
    /// outcome gives <c>call.transferred</c>; an answering machine, <c>call.voicemail</c>).
    /// </summary>
    private static IEnumerable<string> Kinds(CallLog call)
    {
        yield return WebhookEventTypes.CallCompleted;
        if (call.Transfer is not null)
        {
            yield return WebhookEventTypes.CallTransferred;
        }

        if (AnsweredByValues.IsMachine(call.AnsweredBy))
        {
            yield return WebhookEventTypes.CallVoicemail;
        }
    }

    /// <summary>
    /// The call as a receiver needs it: summary, intent, follow-up, links to the call (its transcript) and its
    /// recording, its outcome, who answered, its transfer, and its latency and cost (null when not measured).
    /// </summary>
    private static JsonObject Data(CallLog call, string? publicRoot)
    {
        var self = $"{publicRoot}/api/tenants/{call.TenantId}/calls/{call.CallSid}";
        return new JsonObject
        {
            ["callId"] = call.CallSid,
            ["tenantId"] = call.TenantId,
            ["direction"] = call.Direction.ToString().ToLowerInvariant(),
            ["from"] = call.From,
            ["to"] = call.To,
            ["leadId"] = call.LeadId,
            ["status"] = call.Status?.ToWire(),
            ["startedAt"] = call.CreatedAt,
            ["durationSeconds"] = call.DurationSeconds,
            ["summary"] = call.Summary,
            ["intent"] = call.CallerIntent,
            ["followUp"] = call.FollowUp,
            ["transcriptSource"] = call.TranscriptSource.ToString().ToLowerInvariant(),
            ["links"] = new JsonObject
            {
                ["call"] = self,
                ["transcript"] = call.FinalTranscript is null ? null : self,
                ["recording"] = call.RecordingBlobPath is null ? null : self + "/recording",
            },
            ["outcome"] = call.Outcome,
            ["answeredBy"] = call.AnsweredBy,
            ["transfer"] = Node(call.Transfer),
            ["latency"] = Node(call.Latency),
            ["cost"] = Node(call.Cost),
        };
    }

    private static JsonNode? Node<T>(T? value) where T : class =>
        value is null ? null : JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web);
}
