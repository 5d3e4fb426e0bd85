using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Http;

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

public static class TwilioRestRegistration
{
    /// <summary>The Twilio SDK's REST client on the account in <see cref="TwilioOptions"/>.</summary>
    public static IServiceCollection AddTwilioRest(this IServiceCollection services)
    {
        services.TryAddTransient<TwilioApiRedirect>();
        services.AddHttpClient(nameof(TwilioRestClient)).AddHttpMessageHandler<TwilioApiRedirect>();
        services.TryAddSingleton<ITwilioRestClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TwilioOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioRestClient));
            return new TwilioRestClient(o.AccountSid, o.AuthToken, httpClient: new SystemNetHttpClient(http));
        });
        return services;
    }
}
