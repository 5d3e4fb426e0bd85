using CallCenter.Core.Calls;

namespace CallCenter.Local.Host;

/// <summary>
/// <c>retention</c>: the daily retention run on demand, on the storage the environment names, else on the local
/// Azurite's data (as <c>export</c> does).
/// </summary>
public static class RetentionCommand
{
    public static Task<int> RunAsync(IConfiguration environment, LocalHostSettings local, CancellationToken ct) =>
        LocalStorageCommand.RunAsync(environment, local, services => RunAsync(services.GetRequiredService<RecordingRetention>(), ct), ct);

    private static async Task<int> RunAsync(RecordingRetention retention, CancellationToken ct)
    {
        var deleted = await retention.RunAsync(ct);
        foreach (var d in deleted)
        {
            Console.WriteLine($"{d.TenantId} {d.CallSid} (started {d.CallStartedAt:u}): recording {d.RecordingPath ?? "none"}{(d.Transcript ? ", transcript" : "")}");
        }

        Console.WriteLine(deleted.Count == 0 ? "Nothing past retention." : $"Deleted the recordings or transcripts of {deleted.Count} calls past their tenant's retention.");
        return 0;
    }
}
