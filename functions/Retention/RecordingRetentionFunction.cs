using CallCenter.Core.Calls;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace CallCenter.Functions.Retention;

/// <summary>
/// The daily retention run: at 03:00 UTC every tenant's recordings (and transcripts, where asked) past its
/// retention are deleted. A missed day is caught up by the next run, which finds every call past its cutoff.
/// </summary>
public sealed partial class RecordingRetentionFunction(RecordingRetention retention, ILogger<RecordingRetentionFunction> logger)
{
    [Function("EnforceRetention")]
    public async Task RunAsync([TimerTrigger("0 0 3 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var deleted = await retention.RunAsync(ct).ConfigureAwait(false);
        Enforced(logger, deleted.Count, deleted.Count(d => d.RecordingPath is not null), deleted.Count(d => d.Transcript));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Calls} calls, {Recordings} recordings and {Transcripts} transcripts deleted")]
    private static partial void Enforced(ILogger logger, int calls, int recordings, int transcripts);
}
