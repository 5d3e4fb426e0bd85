using CallCenter.Core.Auth;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Hosting;

public static class CallCenterStorageServiceCollectionExtensions
{
    /// <summary>
    /// Tables, blobs and every area's stores over them, from the <c>Storage</c> section (validated at start-up).
    /// It sits above the areas so that <c>Storage</c> itself depends on none of them.
    /// </summary>
    public static IServiceCollection AddCallCenterStorage(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddCallCenterTables(configuration)
            .AddTenantStores(configuration)
            .AddLeadStore()
            .AddCallStores()
            .AddApiKeyStore()
            .AddCallbackStores();
}
