using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>A call's voice-to-voice latencies and their percentiles, in ms.</summary>
public sealed record CallLatencyView(int? GreetingMs, int P50Ms, int P95Ms, int MaxMs, IReadOnlyList<LatencyTurnView> Turns)
{
    public static CallLatencyView? Of(CallLatency? l) =>
        l is null ? null : new(l.GreetingMs, l.P50Ms, l.P95Ms, l.MaxMs, [.. l.Turns.Select(LatencyTurnView.Of)]);
}
