using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Backup;

public static class BackupServiceCollectionExtensions
{
    /// <summary>The table export and restore (the <c>Backup</c> section, validated at start-up); needs the product's storage.</summary>
    public static IServiceCollection AddCallCenterBackup(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TableBackup>();
        return services;
    }
}
