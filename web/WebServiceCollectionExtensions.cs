using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>What the shared endpoints use beyond the product's services: the webhook request reader.</summary>
    public static IServiceCollection AddCallCenterEndpoints(this IServiceCollection services)
    {
        services.TryAddSingleton<WebhookRequests>();
        return services;
    }
}
