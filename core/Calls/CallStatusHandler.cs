using System.Diagnostics;
using System.Globalization;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>
/// Twilio's status callback: the one writer of a call's status, through <see cref="CallStatusMachine"/>.
/// A terminal status starts the call's workflow, with the end known.
/// </summary>
public sealed class CallStatusHandler(TwilioSignature signature, CallRegistry registry, CallLogStore calls, ILogger<CallStatusHandler> logger)
{
    public async Task<WebhookAnswer> HandleAsync(TwilioWebhook webhook, ICallWorkflowSignals workflow, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            CallTrace.ForgedWebhook(logger, "status");
            return WebhookAnswer.Forbidden;
        }

        var (fields, error) = registry.Parse(webhook);
        if (fields is null || fields.Status is not { } status)
        {
            return WebhookAnswer.BadRequest(error ?? "CallStatus is missing");
        }

        using var span = CallTelemetry.StartCallSpan(CallTelemetry.StatusWebhook, ActivityKind.Server, fields.CallSid);
        int? duration = int.TryParse(webhook["CallDuration"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        if (await registry.FindOrCreateAsync(fields, ct, CallRegistry.OutboundCallId(webhook)) is not var (tenant, call, _))
        {
            CallTrace.UnknownCall(logger, fields.CallSid);
            return WebhookAnswer.Empty;
        }

        span?.SetTag(CallTelemetry.TenantAttribute, tenant.Id);

        // Statuses, their times and the duration only move forward: a repeated or late report costs no request.
        var stored = await calls.UpdateForwardAsync(tenant.Id, call.CallSid, c =>
        {
            var changed = CallStatusMachine.Apply(c, status, fields.At) is StatusOutcome.Advanced or StatusOutcome.RecordedLate;
            if (status == c.Status && duration is not null && c.DurationSeconds is null)
            {
                c.DurationSeconds = duration;
                changed = true;
            }

            return changed;
        }, ct) ?? call;

        if (stored.WorkflowFinishedAt is not null)
        {
            return WebhookAnswer.Empty;
        }

        if (stored.Status is { } final && final.IsTerminal() && final == status)
        {
            // On every delivery of the ending status: the workflow starts with the end in its input, once (a retry
            // after a lost start still starts it; a repeat finds it started).
            await workflow.CallEndedAsync(tenant.Id, call.CallSid, new CallEnded(final.ToWire(), stored.DurationSeconds), ct);
        }

        return WebhookAnswer.Empty;
    }
}
