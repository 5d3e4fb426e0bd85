using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Crm;

public static class CrmServiceCollectionExtensions
{
    /// <summary>The lead store; needs the tables.</summary>
    public static IServiceCollection AddLeadStore(this IServiceCollection services)
    {
        services.TryAddSingleton<LeadStore>();
        return services;
    }
}
