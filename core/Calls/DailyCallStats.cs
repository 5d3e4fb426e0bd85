namespace CallCenter.Core.Calls;

/// <summary>A tenant's calls of one day (in its time zone): counts by outcome, minutes, cost and the latency histogram.</summary>
public sealed record DailyCallStats(DateOnly Date, int Calls, IReadOnlyDictionary<string, int> Outcomes, long Minutes, decimal Cost, int[] LatencyCounts)
{
    public static DailyCallStats Empty(DateOnly date) =>
        new(date, 0, CallOutcomes.All.ToDictionary(o => o, _ => 0), 0, 0m, new int[LatencyHistogram.Buckets]);

    public int? P95LatencyMs => LatencyHistogram.Percentile(LatencyCounts, 95);
}
