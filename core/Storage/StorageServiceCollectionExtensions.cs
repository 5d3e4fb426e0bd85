using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The table and blob clients, from the <c>Storage</c> section (validated at start-up); each area adds its stores over them.</summary>
    public static IServiceCollection AddCallCenterTables(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return o.ConnectionString is { Length: > 0 } cs
                ? new TableServiceClient(cs)
                : new TableServiceClient(o.TableServiceUri, Credential(o));
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return o.ConnectionString is { Length: > 0 } cs
                ? new BlobServiceClient(cs)
                : new BlobServiceClient(o.BlobServiceUri, Credential(o));
        });

        services.TryAddSingleton<CallCenterTables>();
        return services;
    }

    private static TokenCredential Credential(StorageOptions o) =>
        o.ManagedIdentityClientId is { Length: > 0 } id
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
            : new DefaultAzureCredential();
}
