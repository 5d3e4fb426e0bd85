using System.Diagnostics;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace CallCenter.Core.Calls;

/// <summary>
/// The answer URL of every tenant number and outbound call. It records the call and connects the caller to the
/// media bridge; the bridge greets. No REST call, no download, no wait, and no workflow engine: the call's
/// workflow starts when the call ends (<see cref="CallStatusHandler"/>), so the caller never waits on the engine.
/// A finished call is never reopened: Twilio webhooks carry no timestamp, so a replayed signed request is
/// refused by the call's state, not by its age.
/// </summary>
public sealed class VoiceWebhookHandler(
    TwilioSignature signature,
    CallRegistry registry,
    CallLogStore calls,
    StreamTokens tokens,
    IOptions<BridgeOptions> bridge,
    ILogger<VoiceWebhookHandler> logger)
{
    /// <summary>Relative to the voice webhook's own URL (…/api/twilio/voice), so a public path prefix is kept.</summary>
    public const string RecordingCallbackPath = "recording";

    public async Task<WebhookAnswer> HandleAsync(TwilioWebhook webhook, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            CallTrace.ForgedWebhook(logger, "voice");
            return WebhookAnswer.Forbidden;
        }

        var (fields, error) = registry.Parse(webhook);
        if (fields is null)
        {
            return WebhookAnswer.BadRequest(error!);
        }

        using var span = CallTelemetry.StartCallSpan(CallTelemetry.VoiceWebhook, ActivityKind.Server, fields.CallSid);

        // A webhook that itself reports the end asks for nothing: answered before anything is read or written.
        if (fields.Status is { } reported && reported.IsTerminal())
        {
            CallTrace.FinishedCallWebhook(logger, fields.CallSid);
            return HangUp;
        }

        if (await registry.FindOrCreateAsync(fields, ct, CallRegistry.OutboundCallId(webhook), firstExpected: true) is not var (tenant, call, created))
        {
            CallTrace.UnknownNumber(logger, fields.CallSid);
            return WebhookAnswer.Twiml(new VoiceResponse().Reject(Reject.ReasonEnum.Rejected).ToString());
        }

        span?.SetTag(CallTelemetry.TenantAttribute, tenant.Id);

        // A known call is judged by its stored row, not this process's copy: its end may have been written
        // by another instance.
        if (!created && (await calls.GetAsync(tenant.Id, call.CallSid, ct) ?? call).IsFinished)
        {
            CallTrace.FinishedCallWebhook(logger, call.CallSid);
            return HangUp;
        }

        var recordingCallback = tenant.Records(call.Direction == CallDirection.Inbound ? call.To : call.From)
            ? new Uri(new Uri(webhook.Url), RecordingCallbackPath)
            : null;
        // Synchronous answering-machine detection: Twilio asks for this document only once it knows who
        // answered. Stored for the call's record; signed into the token for the bridge.
        var answeredBy = call.Direction == CallDirection.Outbound && webhook["AnsweredBy"] is { } a && AnsweredByValues.All.Contains(a) ? a : null;
        if (answeredBy is not null && call.AnsweredBy != answeredBy)
        {
            await calls.UpdateAsync(tenant.Id, call.CallSid, c =>
            {
                if (c.AnsweredBy == answeredBy)
                {
                    return false;
                }

                c.AnsweredBy = answeredBy;
                return true;
            }, ct);
        }

        // The webhook's folder (…/api/twilio/, query dropped) tells the bridge where a transfer's routes are.
        var token = tokens.Issue(tenant.Id, call.CallSid, call.Direction, new Uri(new Uri(webhook.Url), "./"), answeredBy: answeredBy);
        return WebhookAnswer.Twiml(ConnectToBridge(bridge.Value.StreamUrl, token, recordingCallback));
    }

    /// <summary>
    /// The answer for a finished call. Hangup, not Reject: the call was answered once already, and Reject
    /// only means something for a call not yet answered; on a call still up, Hangup ends it cleanly.
    /// </summary>
    private static WebhookAnswer HangUp { get; } = WebhookAnswer.Twiml(new VoiceResponse().Hangup().ToString());

    /// <summary>
    /// Recording starts first (Connect blocks the rest of the document until the stream closes); the stream
    /// carries the signed token as a parameter because its URL may hold no query string.
    /// </summary>
    internal static string ConnectToBridge(Uri streamUrl, string token, Uri? recordingCallback)
    {
        var response = new VoiceResponse();
        if (recordingCallback is not null)
        {
            response.Append(new Start().Append(new Recording(
                recordingStatusCallback: recordingCallback.AbsoluteUri,
                recordingStatusCallbackEvent: [Recording.EventEnum.Completed, Recording.EventEnum.Absent],
                channels: Recording.ChannelsEnum.Dual)));
        }

        var stream = new global::Twilio.TwiML.Voice.Stream(url: streamUrl.AbsoluteUri)
            .Append(new Parameter(StreamTokens.ParameterName, token));
        response.Append(new Connect().Append(stream));
        return response.ToString();
    }
}
