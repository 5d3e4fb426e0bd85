using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// One call's counts, kept by the call and added to the process metrics once when it ends, so the audio path
/// touches no shared memory.
/// </summary>
internal sealed class CallCounters
{
    public long FramesIn { get; set; }

    public long FramesOut { get; set; }

    public long FramesDropped { get; set; }

    public int BargeIns { get; set; }

    public int ToolCalls { get; set; }

    /// <summary>OpenAI errors logged so far: a call logs a few, not a flood.</summary>
    public int ErrorsLogged { get; set; }

    public void AddTo(BridgeMetrics metrics) => metrics.AddCall(FramesIn, FramesOut, FramesDropped, BargeIns, ToolCalls);
}
