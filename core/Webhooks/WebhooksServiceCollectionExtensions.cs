using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>Tenants' post-call webhooks: endpoints, secrets, the URL policy and the signed sender; needs the product's storage and auth options.</summary>
    public static IServiceCollection AddCallCenterWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(
                o => o.RequestTimeout > TimeSpan.Zero && o.SecretGracePeriod >= TimeSpan.Zero && o.Timings.FirstRetryInterval > TimeSpan.Zero
                    && o.Timings.MaxRetryInterval >= o.Timings.FirstRetryInterval && o.Timings.GiveUpAfter > TimeSpan.Zero,
                "Webhooks: the timeout and retry intervals must be positive, and the longest retry interval at least the first.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookSecrets>();
        services.TryAddSingleton<WebhookStore>();
        services.TryAddSingleton<WebhookUrlPolicy>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<WebhookDispatcher>();
        return services;
    }
}
