using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>One measured voice-to-voice latency: <c>greeting</c> or <c>turn</c>.</summary>
public sealed record LatencyTurnView(DateTimeOffset At, int Ms, string Kind)
{
    public static LatencyTurnView Of(LatencyTurn t) => new(t.At, t.Ms, t.Kind);
}
