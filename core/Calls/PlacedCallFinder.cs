using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace CallCenter.Core.Calls;

/// <summary>
/// Finds the call Twilio placed for a request whose dial run ended (a crash) after Twilio accepted the call
/// and before we wrote its CallSid. Twilio's Calls list, filtered by the lead's number, our number and the
/// start date, gives the candidates. The request's marker (in the callback URLs Twilio was given) is not in
/// that list: Twilio shows the requests it made for a call only in its Events, 15 minutes after the call
/// ends. So the marker counts where Twilio does show it to us: a callback carrying it claims the request
/// (<see cref="CallRegistry"/>), and a call whose CallSid we already know is that claim's or another
/// request's. What is left, placed after our intent, is this request's call.
/// </summary>
public sealed class PlacedCallFinder(ITwilioRestClient twilio, OutboundCallStore requests, CallLogStore calls)
{
    // Twilio's own default page; a lead gets a handful of calls a day.
    private const int PageSize = 50;

    // The intent is written before the dial, so the call is created after it, up to the two clocks' skew.
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);

    public async Task<string?> FindAsync(OutboundCallRequest request, DateTimeOffset intent, CancellationToken ct = default)
    {
        var since = intent - Skew;
        var options = new ReadCallOptions
        {
            To = new PhoneNumber(request.To),
            From = new PhoneNumber(request.From),
            StartTimeAfter = since.UtcDateTime.Date, // Twilio filters start times by UTC date only
            PageSize = PageSize,
        };
        var candidates = (await CallResource.ReadAsync(options, twilio).ConfigureAwait(false))
            .Where(c => c.DateCreated is { } created && Utc(created) >= since)
            .OrderBy(c => c.DateCreated)
            .ToList();

        // Read after the list: a callback that claimed the request did so before its call became known to us.
        if ((await requests.GetAsync(request.CallId, ct).ConfigureAwait(false))?.CallSid is { } claimed)
        {
            return claimed;
        }

        foreach (var call in candidates)
        {
            if (await calls.FindTenantAsync(call.Sid, ct).ConfigureAwait(false) is null)
            {
                return call.Sid;
            }
        }

        return null;
    }

    // Twilio's dates are UTC; the SDK may hand them over unmarked.
    private static DateTimeOffset Utc(DateTime at) => new(at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at);
}
