namespace CallCenter.MediaBridge.Infrastructure;

public sealed record BridgeMetricsSnapshot(
    long ActiveSessions,
    long OpenSockets,
    long BackgroundTasks,
    long FramesIn,
    long FramesOut,
    long FramesDropped,
    long DroppedEvents,
    long CallsTotal,
    long RejectedStreams,
    long Hangups,
    long BargeIns,
    long ToolCalls,
    long ManagedHeapBytes,
    long GcCommittedBytes,
    long WorkingSetBytes,
    long AllocatedBytes,
    long Gen0Collections);
