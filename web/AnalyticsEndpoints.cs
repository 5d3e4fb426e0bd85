using System.Globalization;
using CallCenter.Core.Calls;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallCenter.Web;

/// <summary>A tenant's calls per day: outcomes, minutes, cost and p95 voice-to-voice latency.</summary>
public static class AnalyticsEndpoints
{
    /// <summary>A year, leap day included: enough for any chart, bounded for the query.</summary>
    public const int MaxDays = 366;

    private const int DefaultDays = 7;

    /// <summary>
    /// <c>?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>, days in the tenant's time zone, both included; without them the
    /// last seven days up to today. Every day of the range is answered, zeros on a day without calls.
    /// </summary>
    public static async Task<Results<CrmOk<AnalyticsView>, BadRequestProblem>> GetAsync(
        TenantScope scope, CallStatsStore stats, IOptions<PricingOptions> pricing, TimeProvider time)
    {
        var errors = new List<string>();
        var from = Day(scope, "from", errors);
        var to = Day(scope, "to", errors);
        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(scope.Tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var last = to ?? (from is { } f ? f.AddDays(DefaultDays - 1) : today);
        var first = from ?? last.AddDays(-(DefaultDays - 1));
        if (first > last)
        {
            return CrmAccess.Invalid("from must not be after to");
        }

        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            return CrmAccess.Invalid($"the range may span at most {MaxDays} days");
        }

        var days = await stats.ListAsync(scope.Tenant.Id, first, last, scope.Aborted);
        return new CrmOk<AnalyticsView>(new AnalyticsView(Text(first), Text(last), pricing.Value.Currency, [.. days.Select(AnalyticsDayView.Of)]));
    }

    private static DateOnly? Day(TenantScope scope, string name, List<string> errors)
    {
        if (scope.Request.Query[name].ToString() is not { Length: > 0 } raw)
        {
            return null;
        }

        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year >= 2000)
        {
            return day;
        }

        errors.Add($"{name} must be a date as yyyy-MM-dd, from 2000 on");
        return null;
    }

    private static string Text(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
