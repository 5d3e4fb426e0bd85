using System.Diagnostics;
using System.Diagnostics.Metrics;
using CallCenter.Core.Telemetry;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Process-wide counters, served at <c>/metrics</c> and as OpenTelemetry instruments. Gauges (sessions,
/// sockets, tasks) must return to zero when the bridge is idle: that is how the tests prove that nothing
/// outlives its call.
/// </summary>
public sealed class BridgeMetrics
{
    private long _activeSessions;
    private long _openSockets;
    private long _backgroundTasks;
    private long _framesIn;
    private long _framesOut;
    private long _framesDropped;
    private long _droppedEvents;
    private long _callsTotal;
    private long _rejectedStreams;
    private long _hangups;
    private long _bargeIns;
    private long _toolCalls;

    public BridgeMetrics()
    {
    }

    /// <summary>
    /// The counters as observable instruments: read when an exporter collects, so a frame costs nothing more
    /// than the call's own count.
    /// </summary>
    public BridgeMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(CallTelemetry.MeterName);
        Meter.CreateObservableCounter("callcenter.bridge.calls", () => Interlocked.Read(ref _callsTotal), "{call}", "Media streams accepted");
        Meter.CreateObservableUpDownCounter("callcenter.bridge.sessions.active", () => Interlocked.Read(ref _activeSessions), "{session}", "Media streams open now");
        Meter.CreateObservableCounter("callcenter.bridge.frames.in", () => Interlocked.Read(ref _framesIn), "{frame}", "Caller audio frames relayed to OpenAI, counted when each call ends");
        Meter.CreateObservableCounter("callcenter.bridge.frames.out", () => Interlocked.Read(ref _framesOut), "{frame}", "Agent audio frames relayed to the caller, counted when each call ends");
        Meter.CreateObservableCounter("callcenter.bridge.frames.dropped", () => Interlocked.Read(ref _framesDropped), "{frame}", "Caller audio frames dropped, counted when each call ends");
        Meter.CreateObservableCounter("callcenter.bridge.barge_ins", () => Interlocked.Read(ref _bargeIns), "{barge-in}", "Times a caller interrupted the agent, counted when each call ends");
        Meter.CreateObservableCounter("callcenter.bridge.tool_calls", () => Interlocked.Read(ref _toolCalls), "{call}", "Agent tool calls, counted when each call ends");
        Meter.CreateObservableCounter("callcenter.bridge.hangups", () => Interlocked.Read(ref _hangups), "{hangup}", "Calls the agent hung up");
        Meter.CreateObservableCounter("callcenter.bridge.streams.rejected", () => Interlocked.Read(ref _rejectedStreams), "{stream}", "Media streams refused");
    }

    /// <summary>The instruments' meter; null when built without a meter factory.</summary>
    internal Meter? Meter { get; }

    public void SessionOpened() { Interlocked.Increment(ref _activeSessions); Interlocked.Increment(ref _callsTotal); }
    public void SessionClosed() => Interlocked.Decrement(ref _activeSessions);
    public void SocketOpened() => Interlocked.Increment(ref _openSockets);
    public void SocketClosed() => Interlocked.Decrement(ref _openSockets);
    public void TaskStarted() => Interlocked.Increment(ref _backgroundTasks);
    public void TaskEnded() => Interlocked.Decrement(ref _backgroundTasks);
    public void StreamRejected() => Interlocked.Increment(ref _rejectedStreams);
    public void HungUp() => Interlocked.Increment(ref _hangups);
    public void EventDropped() => Interlocked.Increment(ref _droppedEvents);

    /// <summary>Per-call counters are added once, when the call ends, so the hot path touches no shared line.</summary>
    public void AddCall(long framesIn, long framesOut, long framesDropped, int bargeIns, int toolCalls)
    {
        // The call's session span is current here (MediaStreamHandler awaits the session inside it).
        if (Activity.Current is { OperationName: CallTelemetry.BridgeSession } session)
        {
            session.SetTag("callcenter.bridge.frames.in", framesIn);
            session.SetTag("callcenter.bridge.frames.out", framesOut);
            session.SetTag("callcenter.bridge.frames.dropped", framesDropped);
            session.SetTag("callcenter.bridge.barge_ins", bargeIns);
            session.SetTag("callcenter.bridge.tool_calls", toolCalls);
        }

        Interlocked.Add(ref _framesIn, framesIn);
        Interlocked.Add(ref _framesOut, framesOut);
        Interlocked.Add(ref _framesDropped, framesDropped);
        Interlocked.Add(ref _bargeIns, bargeIns);
        Interlocked.Add(ref _toolCalls, toolCalls);
    }

    public BridgeMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref _activeSessions),
        Interlocked.Read(ref _openSockets),
        Interlocked.Read(ref _backgroundTasks),
        Interlocked.Read(ref _framesIn),
        Interlocked.Read(ref _framesOut),
        Interlocked.Read(ref _framesDropped),
        Interlocked.Read(ref _droppedEvents),
        Interlocked.Read(ref _callsTotal),
        Interlocked.Read(ref _rejectedStreams),
        Interlocked.Read(ref _hangups),
        Interlocked.Read(ref _bargeIns),
        Interlocked.Read(ref _toolCalls),
        GC.GetTotalMemory(false),
        GC.GetGCMemoryInfo().TotalCommittedBytes,
        Environment.WorkingSet,
        GC.GetTotalAllocatedBytes(false),
        GC.CollectionCount(0));
}
