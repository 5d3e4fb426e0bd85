using System.Globalization;
using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>One day of a tenant's calls (in its time zone); every figure is 0 on a day without calls (p95 too, with no turn measured).</summary>
public sealed record AnalyticsDayView(string Date, int Calls, OutcomeCountsView Outcomes, long Minutes, decimal Cost, int P95LatencyMs)
{
    public static AnalyticsDayView Of(DailyCallStats d) => new(
        d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Calls, OutcomeCountsView.Of(d.Outcomes), d.Minutes, d.Cost, d.P95LatencyMs ?? 0);
}
