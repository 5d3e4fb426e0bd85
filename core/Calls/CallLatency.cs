namespace CallCenter.Core.Calls;

/// <summary>A call's voice-to-voice latencies as the bridge measured them, with their nearest-rank percentiles.</summary>
public sealed record CallLatency(int? GreetingMs, int P50Ms, int P95Ms, int MaxMs, IReadOnlyList<LatencyTurn> Turns)
{
    /// <summary>The figures of the measured turns; null when there is none.</summary>
    public static CallLatency? Of(IReadOnlyList<LatencyTurn> turns)
    {
        if (turns.Count == 0)
        {
            return null;
        }

        var sorted = turns.Select(t => t.Ms).Order().ToArray();
        var greeting = turns.FirstOrDefault(t => t.Kind == LatencyTurn.Greeting);
        return new CallLatency(greeting?.Ms, Percentile(sorted, 50), Percentile(sorted, 95), sorted[^1], turns);
    }

    // Nearest rank: a value that was measured, never one interpolated between two.
    private static int Percentile(int[] sorted, int p) => sorted[Math.Max(0, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
}
