using Microsoft.Extensions.Options;

namespace CallCenter.Core.Twilio;

/// <summary>
/// Sends the Twilio SDK's requests to the configured API base: Twilio itself in Azure, a loopback fake
/// locally. The SDK always builds https://api.twilio.com URLs, so the host is swapped per request.
/// </summary>
internal sealed class TwilioApiRedirect(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = options.Value.ApiBaseUrl;
        if (request.RequestUri is { } uri && !uri.Host.Equals(target.Host, StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
