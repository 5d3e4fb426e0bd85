using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Tenants;

public static class TenantsServiceCollectionExtensions
{
    /// <summary>The tenant store and its cache (the <c>TenantCache</c> section, validated at start-up); needs the tables.</summary>
    public static IServiceCollection AddTenantStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<TenantStore>();
        services.AddOptions<TenantCacheOptions>().Bind(configuration.GetSection(TenantCacheOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TenantCacheOptions>, TenantCacheOptionsValidator>());
        services.TryAddSingleton<TenantCache>();
        return services;
    }
}
