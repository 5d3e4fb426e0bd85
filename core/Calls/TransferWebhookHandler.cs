using CallCenter.Core.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace CallCenter.Core.Calls;

/// <summary>
/// The three Twilio webhooks of a transfer to a human, after the bridge has recorded the transfer (pending)
/// and redirected the call to <see cref="DialPath"/>:
/// <list type="number">
/// <item><see cref="DialAsync"/>: the caller's TwiML, a <c>&lt;Dial&gt;</c> of the transfer numbers whose
/// <c>&lt;Number url&gt;</c> is the whisper; it never holds the summary.</item>
/// <item><see cref="WhisperAsync"/>: the called person's TwiML, played to them alone before they are connected:
/// <c>&lt;Say&gt;</c> the summary.</item>
/// <item><see cref="ResultAsync"/>: the Dial action: the outcome from <c>DialCallStatus</c>, recorded once; when
/// nobody answered, the caller is connected back to the agent on a new stream whose token says so.</item>
/// </list>
/// Each is refused before any work when its signature is wrong, and reads the call's stored row: a replayed
/// signed webhook finds the transfer no longer pending (or the call over) and changes nothing.
/// </summary>
public sealed class TransferWebhookHandler(
    TwilioSignature signature,
    CallLogStore calls,
    StreamTokens tokens,
    IOptions<BridgeOptions> bridge,
    TimeProvider time,
    ILogger<TransferWebhookHandler> logger)
{
    /// <summary>Relative to the Twilio webhooks' folder (…/api/twilio/): where the bridge redirects the call.</summary>
    public const string DialPath = "transfer";

    /// <summary>Relative to the Twilio webhooks' folder: the called person's whisper.</summary>
    public const string WhisperPath = "transfer/whisper";

    /// <summary>Relative to the Twilio webhooks' folder: the Dial action.</summary>
    public const string ResultPath = "transfer/result";

    /// <summary>How long the human's phone rings before Twilio gives up (DialCallStatus no-answer).</summary>
    public const int RingSeconds = 20;

    private static readonly WebhookAnswer HangUp = WebhookAnswer.Twiml(new VoiceResponse().Hangup().ToString());

    public async Task<WebhookAnswer> DialAsync(TwilioWebhook webhook, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            CallTrace.ForgedWebhook(logger, "transfer");
            return WebhookAnswer.Forbidden;
        }

        if (!TwilioSids.IsCallSid(webhook["CallSid"]))
        {
            return WebhookAnswer.BadRequest("CallSid is missing or malformed");
        }

        var call = await PendingAsync(webhook["CallSid"]!, "transfer", ct);
        if (call?.Transfer is not { } transfer)
        {
            return HangUp;
        }

        // Relative to this webhook's own URL (…/api/twilio/transfer), so a public path prefix is kept.
        var folder = new Uri(new Uri(webhook.Url), "./");
        var dial = new Dial(
            action: new Uri(folder, ResultPath),
            method: global::Twilio.Http.HttpMethod.Post,
            timeout: RingSeconds,
            callerId: call.Direction == CallDirection.Inbound ? call.To : call.From);
        foreach (var number in transfer.Target.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            dial.Append(new Number(number, url: new Uri(folder, WhisperPath), method: global::Twilio.Http.HttpMethod.Post));
        }

        return WebhookAnswer.Twiml(new VoiceResponse().Append(dial).ToString());
    }

    /// <summary>Twilio asks for it on the called person's leg: CallSid is that leg's, ParentCallSid the caller's.</summary>
    public async Task<WebhookAnswer> WhisperAsync(TwilioWebhook webhook, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            CallTrace.ForgedWebhook(logger, "transfer whisper");
            return WebhookAnswer.Forbidden;
        }

        if (!TwilioSids.IsCallSid(webhook["ParentCallSid"]))
        {
            return WebhookAnswer.BadRequest("ParentCallSid is missing or malformed");
        }

        var call = await PendingAsync(webhook["ParentCallSid"]!, "transfer whisper", ct);
        return call?.Transfer is { } transfer
            ? WebhookAnswer.Twiml(new VoiceResponse().Say(transfer.Summary).ToString())
            : HangUp;
    }

    public async Task<WebhookAnswer> ResultAsync(TwilioWebhook webhook, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            CallTrace.ForgedWebhook(logger, "transfer result");
            return WebhookAnswer.Forbidden;
        }

        var callSid = webhook["CallSid"];
        if (!TwilioSids.IsCallSid(callSid))
        {
            return WebhookAnswer.BadRequest("CallSid is missing or malformed");
        }

        if (TransferOutcomes.FromDialCallStatus(webhook["DialCallStatus"]) is not { } outcome)
        {
            return WebhookAnswer.BadRequest("DialCallStatus is missing or unknown");
        }

        if (await calls.FindTenantAsync(callSid!, ct) is not { } tenantId)
        {
            CallTrace.UnknownCall(logger, callSid!);
            return HangUp;
        }

        // The first report wins; a retried one finds the outcome recorded and is answered from it, unchanged.
        var call = await calls.RecordTransferOutcomeAsync(tenantId, callSid!, outcome, time.GetUtcNow(), ct);
        if (call?.Transfer is not { IsPending: false } transfer)
        {
            TransferTrace.NothingPending(logger, "transfer result", callSid!);
            return HangUp;
        }

        TransferTrace.Outcome(logger, callSid!, transfer.Outcome, webhook["DialCallStatus"]!);
        if (!transfer.WentUnanswered || call.Status is { } status && status.IsTerminal())
        {
            return HangUp;
        }

        // Back to the agent on a new stream: the bridge binds it once (a second copy of this answer finds the
        // call's after-transfer stream taken), and its token tells the agent the transfer went unanswered.
        TransferTrace.BackToAgent(logger, callSid!, transfer.Outcome);
        var folder = new Uri(new Uri(webhook.Url), "../");
        var token = tokens.Issue(tenantId, callSid!, call.Direction, folder, transfer.Outcome);
        return WebhookAnswer.Twiml(VoiceWebhookHandler.ConnectToBridge(bridge.Value.StreamUrl, token, recordingCallback: null));
    }

    /// <summary>The call when it has a pending transfer and is not over; null (logged) otherwise.</summary>
    private async Task<CallLog?> PendingAsync(string callSid, string webhookName, CancellationToken ct)
    {
        var call = await calls.FindTenantAsync(callSid, ct) is { } tenantId ? await calls.GetAsync(tenantId, callSid, ct) : null;
        if (call is { Transfer.IsPending: true } && !(call.Status is { } status && status.IsTerminal()))
        {
            return call;
        }

        TransferTrace.NothingPending(logger, webhookName, callSid);
        return null;
    }
}
