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
}
