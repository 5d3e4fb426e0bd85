using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Callbacks;

public static class CallbacksServiceCollectionExtensions
{
    /// <summary>The callbacks' store and their requests (what the API and the agents' tools call); needs the tables and the lead store.</summary>
    public static IServiceCollection AddCallbackStores(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CallbackStore>();
        services.TryAddSingleton<CallbackRequests>();
        return services;
    }
}
