using CallCenter.Core.Hosting;
using CallCenter.DevServices;

namespace CallCenter.Local.Host;

/// <summary>
/// The start-up the storage commands (<c>export</c>, <c>restore</c>, <c>retention</c>) share: the storage the
/// environment names (an Azure account reached with your sign-in, or a connection string), else the local
/// Azurite's data, started for the command and stopped after it; the product's storage services over it, with
/// logging, validated as the hosts validate them.
/// </summary>
public static class LocalStorageCommand
{
    /// <summary>Runs <paramref name="command"/> with the storage services and those <paramref name="addServices"/> adds.</summary>
    public static async Task<int> RunAsync(
        IConfiguration environment,
        LocalHostSettings local,
        Func<IServiceProvider, Task<int>> command,
        CancellationToken ct,
        Action<IServiceCollection, IConfiguration>? addServices = null)
    {
        var named = !string.IsNullOrEmpty(environment["Storage:ConnectionString"]) || !string.IsNullOrEmpty(environment["Storage:BlobServiceUri"]);
        await using var azurite = named ? null : await AzuriteServer.StartAsync(local.DataFolder, local.AzuritePorts, ct);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite?.ConnectionString })
            .AddConfiguration(environment)
            .Build();
        var services = new ServiceCollection().AddLogging().AddCallCenterStorage(configuration);
        addServices?.Invoke(services, configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return await command(provider);
    }
}
