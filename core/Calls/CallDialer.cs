using CallCenter.Core.Faults;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace CallCenter.Core.Calls;

/// <summary>
/// Places the call through Twilio's REST API (the only REST dial in the product) and records it. At most
/// once: a request that already has its CallSid is not dialled again, and the workflow does not retry a
/// dial. The intent is written before the dial, so a run repeated after a crash between Twilio's answer and
/// our write looks for the call Twilio already placed (<see cref="PlacedCallFinder"/>) instead of ringing
/// the lead again.
/// </summary>
public sealed class CallDialer(
    ITwilioRestClient twilio, OutboundCallStore requests, CallLogStore calls, PlacedCallFinder placed, IOptions<TwilioOptions> options, TimeProvider time)
{
    /// <summary>
    /// Synchronous detection that waits for a machine's greeting to end: the voice webhook then knows who
    /// answered before the stream starts, and a voicemail message starts after the beep (docs/ARCHITECTURE.md).
    /// </summary>
    public const string MachineDetection = "DetectMessageEnd";

    /// <summary>
    /// Dials the request <paramref name="callId"/> once and returns its CallSid. <paramref name="placedBy"/>, the
    /// orchestration that places it, is kept on the call log: the call's workflow route shows it until the call's
    /// own workflow exists.
    /// </summary>
    public async Task<string> DialAsync(string callId, string? placedBy = null, CancellationToken ct = default)
    {
        var request = await requests.GetAsync(callId, ct) ?? throw new PermanentFailureException($"Outbound call {callId} is unknown.");
        if (request is { CallSid: null, DialIntentAt: { } intent }
            && await placed.FindAsync(request, intent, ct) is { } found)
        {
            request = await requests.ClaimAsync(callId, found, ct) ?? request;
        }

        if (request.CallSid is null)
        {
            if (options.Value.PublicBaseUrl is null)
            {
                throw new PermanentFailureException("Twilio:PublicBaseUrl is required to place calls.");
            }

            request = await requests.RecordDialIntentAsync(callId, time.GetUtcNow(), ct) ?? request;
            if (request.CallSid is null)
            {
                var query = $"?{OutboundCallNames.QueryParameter}={callId}";
                var call = await CallResource.CreateAsync(
                    to: new PhoneNumber(request.To),
                    from: new PhoneNumber(request.From),
                    url: options.Value.PublicUrl("api/twilio/voice" + query),
                    statusCallback: options.Value.PublicUrl("api/twilio/status" + query),
                    statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
                    machineDetection: MachineDetection,
                    client: twilio);

                // A status callback carrying this request's marker may have claimed the same CallSid first.
                request = await requests.ClaimAsync(callId, call.Sid, ct) ?? request with { CallSid = call.Sid };
            }
        }

        await calls.CreateIfMissingAsync(ToCallLog(request, time.GetUtcNow(), placedBy), ct);
        return request.CallSid!;
    }

    /// <summary>
    /// The call log of a placed call: our number calls the lead. Twilio answered the create with the call
    /// queued, so it is listed as queued from this moment, before any status callback.
    /// </summary>
    public static CallLog ToCallLog(OutboundCallRequest request, DateTimeOffset now, string? placedBy = null) => new()
    {
        TenantId = request.TenantId,
        CallSid = request.CallSid!,
        Direction = CallDirection.Outbound,
        From = request.From,
        To = request.To,
        LeadId = request.LeadId,
        CreatedAt = now,
        Status = CallStatus.Queued,
        StatusTimes = { [CallStatus.Queued] = now },
        PlacedBy = placedBy,
    };
}
