using CallCenter.Core.Calls;
using CallCenter.Core.Hosting;
using CallCenter.DevServices;

namespace CallCenter.Local.Host;

/// <summary>
/// <c>retention</c>: the daily retention run on demand, on the storage the environment names, else on the local
/// Azurite's data (as <c>export</c> does).
/// </summary>
public static class RetentionCommand
{
    public static async Task<int> RunAsync(IConfiguration environment, LocalHostSettings local, CancellationToken ct)
    {
        var named = !string.IsNullOrEmpty(environment["Storage:ConnectionString"]) || !string.IsNullOrEmpty(environment["Storage:BlobServiceUri"]);
        await using var azurite = named ? null : await AzuriteServer.StartAsync(local.DataFolder, local.AzuritePorts, ct);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite?.ConnectionString })
            .AddConfiguration(environment)
            .Build();
        var services = new ServiceCollection().AddLogging().AddCallCenterStorage(configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var deleted = await provider.GetRequiredService<RecordingRetention>().RunAsync(ct);
        foreach (var d in deleted)
        {
            Console.WriteLine($"{d.TenantId} {d.CallSid} (started {d.CallStartedAt:u}): recording {d.RecordingPath ?? "none"}{(d.Transcript ? ", transcript" : "")}");
        }

        Console.WriteLine(deleted.Count == 0 ? "Nothing past retention." : $"Deleted the recordings or transcripts of {deleted.Count} calls past their tenant's retention.");
        return 0;
    }
}
