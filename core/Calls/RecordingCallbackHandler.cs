using System.Diagnostics;
using System.Globalization;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Calls;

/// <summary>
/// Twilio's recording status callback: hands the recording to the call's workflow, which alone downloads it.
/// </summary>
public sealed class RecordingCallbackHandler(
    TwilioSignature signature,
    CallLogStore calls,
    IOptions<TwilioOptions> twilio,
    ILogger<RecordingCallbackHandler> logger)
{
    private static readonly string[] Statuses = ["completed", "absent", "in-progress", "failed"];

    public async Task<WebhookAnswer> HandleAsync(TwilioWebhook webhook, ICallWorkflowSignals workflow, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            CallTrace.ForgedWebhook(logger, "recording");
            return WebhookAnswer.Forbidden;
        }

        if (webhook["CallSid"] is not { } callSid || !TwilioSids.IsCallSid(callSid))
        {
            return WebhookAnswer.BadRequest("CallSid is missing or malformed");
        }

        if (webhook["RecordingSid"] is not { } recordingSid || !TwilioSids.IsRecordingSid(recordingSid))
        {
            return WebhookAnswer.BadRequest("RecordingSid is missing or malformed");
        }

        var status = webhook["RecordingStatus"] ?? "completed";
        if (!Statuses.Contains(status))
        {
            return WebhookAnswer.BadRequest($"unknown RecordingStatus '{status}'");
        }

        var url = webhook["RecordingUrl"];
        if (status == "completed" && (!Uri.TryCreate(url, UriKind.Absolute, out var media) || !twilio.Value.IsTrustedMediaUrl(media)))
        {
            return WebhookAnswer.BadRequest("RecordingUrl is missing or not Twilio's");
        }

        if (status == "in-progress")
        {
            return WebhookAnswer.Empty;
        }

        int? duration = int.TryParse(webhook["RecordingDuration"], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        var channels = int.TryParse(webhook["RecordingChannels"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 1;
        var recording = new RecordingReady(recordingSid, url ?? "", status, duration, channels);

        using var span = CallTelemetry.StartCallSpan(CallTelemetry.RecordingWebhook, ActivityKind.Server, callSid);

        // Parked first: if the call is not known yet, its workflow finds the recording when it plans.
        await calls.ParkRecordingAsync(callSid, recording, ct);
        var tenantId = await calls.FindTenantAsync(callSid, ct);
        var call = tenantId is null ? null : await calls.GetLastKnownAsync(tenantId, callSid, ct);
        span?.SetTag(CallTelemetry.TenantAttribute, tenantId);
        if (call is null)
        {
            CallTrace.UnknownCall(logger, callSid);
        }
        else if (call.WorkflowFinishedAt is null)
        {
            await workflow.RecordingAsync(call.TenantId, callSid, recording, ct);
        }

        return WebhookAnswer.Empty;
    }
}
