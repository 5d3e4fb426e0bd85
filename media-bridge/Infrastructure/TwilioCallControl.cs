using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>Hangs up through Twilio's REST API (Calls update, status completed), which is idempotent on Twilio's side too.</summary>
internal sealed class TwilioCallControl(ITwilioRestClient client) : ICallControl
{
    public async Task HangUpAsync(string callSid, CancellationToken ct = default) =>
        await CallResource.UpdateAsync(pathSid: callSid, status: CallResource.UpdateStatusEnum.Completed, client: client)
            .WaitAsync(ct).ConfigureAwait(false);
}
