using CallCenter.Core.Auth;
using CallCenter.Core.Hosting;
using CallCenter.Core.Storage;
using CallCenter.DevServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CallCenter.Testing;

/// <summary>
/// One Azurite per test assembly run, on free loopback ports in a temporary folder, stopped at the end.
/// Each test class gets its own table prefix, so classes never see each other's rows.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;
    private int _prefixes;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite is not started.");

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A service provider with the product's storage on this Azurite, its tables created.</summary>
    public async Task<ServiceProvider> CreateServicesAsync(Action<IServiceCollection, IConfiguration>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = ConnectionString,
            ["Storage:TablePrefix"] = $"t{Interlocked.Increment(ref _prefixes)}x{Guid.NewGuid().ToString("N")[..8]}",
            ["Storage:RecordingsContainer"] = $"rec-{Guid.NewGuid().ToString("N")[..12]}",
            ["Auth:AdminKey"] = TestKeys.AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCallCenterStorage(configuration);
        services.AddCallCenterAuth(configuration);
        configure?.Invoke(services, configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<CallCenterTables>().CreateIfNotExistsAsync();
        return provider;
    }
}

public static class TestKeys
{
    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789";
}
