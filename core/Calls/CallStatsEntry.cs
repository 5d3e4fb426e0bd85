namespace CallCenter.Core.Calls;

/// <summary>What one call adds to its tenant's day.</summary>
public sealed record CallStatsEntry(string CallSid, DateOnly Date, string Outcome, int Minutes, decimal Cost, IReadOnlyList<int> LatenciesMs)
{
    /// <summary>The entry of a priced call, dated by its creation in the tenant's time zone.</summary>
    public static CallStatsEntry Of(CallLog call, TimeZoneInfo zone) => new(
        call.CallSid,
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(call.CreatedAt, zone).DateTime),
        call.Outcome ?? CallOutcomes.Of(call),
        CallPricing.CallMinutes(call),
        call.Cost?.Total ?? 0m,
        call.Latency?.Turns.Select(t => t.Ms).ToArray() ?? []);
}
