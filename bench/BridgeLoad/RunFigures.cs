namespace CallCenter.Bench.BridgeLoad;

/// <summary>What one run of one system measured, for the comparison across interleaved runs.</summary>
internal sealed record RunFigures(
    string System,
    bool Valid,
    double MicrosPerFrame,
    double InboundP99Ms,
    double OutboundP99Ms,
    long CallerFramesLost,
    long AgentFramesLost);
