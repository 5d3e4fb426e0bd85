using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Http;

namespace CallCenter.Core.Twilio;

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
