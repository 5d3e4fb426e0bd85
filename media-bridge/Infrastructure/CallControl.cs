using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>Ends a live call; the bridge is the only component that does.</summary>
public interface ICallControl
{
    Task HangUpAsync(string callSid, CancellationToken ct = default);
}

/// <summary>Hangs up through Twilio's REST API (Calls update, status completed), which is idempotent on Twilio's side too.</summary>
internal sealed class TwilioCallControl(ITwilioRestClient client) : ICallControl
{
    public async Task HangUpAsync(string callSid, CancellationToken ct = default) =>
        await CallResource.UpdateAsync(pathSid: callSid, status: CallResource.UpdateStatusEnum.Completed, client: client)
            .WaitAsync(ct).ConfigureAwait(false);
}

/// <summary>
/// Sends the Twilio SDK's requests to a configured base URL instead of api.twilio.com, so a fake REST server
/// on loopback receives them locally and in tests. Without a base URL it changes nothing.
/// </summary>
internal sealed class TwilioApiRedirect(IOptions<MediaBridgeOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.TwilioApiBaseUrl is { } baseUrl && request.RequestUri is { } uri)
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = baseUrl.Scheme, Host = baseUrl.Host, Port = baseUrl.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
