using CallCenter.Core.Backup;
using CallCenter.Core.Telemetry;
using CallCenter.Web;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CallCenter.Functions;

/// <summary>The worker's host, put together in one place so Azure and the tests build the same one.</summary>
public static class FunctionsApp
{
    /// <summary>
    /// The worker with every service the functions use; the container checks at build that each one resolves
    /// and that no singleton holds a scoped service.
    /// </summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Services.AddCallCenter(builder.Configuration);
        builder.Services.AddCallCenterBackup(builder.Configuration);
        builder.Services.AddHostedService<StorageBootstrap>();
        builder.AddCallCenterTelemetry("callcenter-functions", exportLogs: false, configure: t => t.UseFunctionsWorkerDefaults());
        return builder;
    }
}
