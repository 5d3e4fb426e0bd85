using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Hangs up and redirects through Twilio's REST API (Calls update: status completed, or a new TwiML URL);
/// a hangup is idempotent on Twilio's side too.
/// </summary>
internal sealed class TwilioCallControl(ITwilioRestClient client) : ICallControl
{
    public async Task HangUpAsync(string callSid, CancellationToken ct = default) =>
        await CallResource.UpdateAsync(pathSid: callSid, status: CallResource.UpdateStatusEnum.Completed, client: client)
            .WaitAsync(ct).ConfigureAwait(false);

    public async Task RedirectAsync(string callSid, Uri url, CancellationToken ct = default) =>
        await CallResource.UpdateAsync(pathSid: callSid, url: url, method: global::Twilio.Http.HttpMethod.Post, client: client)
            .WaitAsync(ct).ConfigureAwait(false);
}
