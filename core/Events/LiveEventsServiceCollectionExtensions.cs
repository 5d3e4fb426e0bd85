using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Events;

public static class LiveEventsServiceCollectionExtensions
{
    /// <summary>Live events through Azure Web PubSub (the <c>WebPubSub</c> section, validated at start-up).</summary>
    public static IServiceCollection AddCallCenterLiveEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebPubSubOptions>().Bind(configuration.GetSection(WebPubSubOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebPubSubOptions>, WebPubSubOptionsValidator>());
        services.AddHttpClient(WebPubSubLiveEvents.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WebPubSubLiveEvents(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<WebPubSubOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<TokenCredential>()));
        services.TryAddSingleton<ILiveEvents>(sp => sp.GetRequiredService<WebPubSubLiveEvents>());
        services.TryAddSingleton<ILiveEventsNegotiation>(sp => sp.GetRequiredService<WebPubSubLiveEvents>());
        return services;
    }
}
