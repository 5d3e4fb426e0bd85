using System.ComponentModel.DataAnnotations;

namespace CallCenter.Local.Host;

/// <summary>The local engine's Azure Storage backend settings (section <c>DurableEngine</c>), chosen by measurement.</summary>
public sealed class LocalDurableEngineOptions
{
    public const string Section = "DurableEngine";

    /// <summary>
    /// Control queues. Each is polled on its own, so more partitions cost more requests at the same load;
    /// an existing task hub keeps the count it was created with.
    /// </summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>Local runs go idle between calls; this is the most a new call waits to be noticed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Control-queue messages fetched per request.</summary>
    [Range(1, 32)]
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>
    /// Activities run at once by this host (the Functions app's <c>maxConcurrentActivityFunctions</c> in host.json says
    /// the same). The engine's own default is 10, and the in-process sidecar, once that many run, looks again only every
    /// 500 ms: the call workflow's one activity waits on remote services for most of its run, so 10 capped a burst of
    /// calls at about 10 completions per activity's duration (docs/benchmarks.md, issue 20's workflow throughput).
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentActivityWorkItems { get; set; } = 100;

    /// <summary>Orchestration episodes run at once (host.json's <c>maxConcurrentOrchestratorFunctions</c>; the engine's default).</summary>
    [Range(1, 1000)]
    public int MaxConcurrentOrchestrationWorkItems { get; set; } = 100;
}
