using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Calls;

public static class CallsServiceCollectionExtensions
{
    /// <summary>Stream tokens shared by the voice webhook (issues them) and the media bridge (verifies them).</summary>
    public static IServiceCollection AddStreamTokens(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamTokens>();
        return services;
    }
}
