using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>API keys (tenant keys and the admin key) from the <c>Auth</c> section; needs the product's storage.</summary>
    public static IServiceCollection AddCallCenterAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<ContinuationTokens>();
        return services;
    }

    /// <summary>The API key store; needs the tables.</summary>
    public static IServiceCollection AddApiKeyStore(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyStore>();
        return services;
    }
}
