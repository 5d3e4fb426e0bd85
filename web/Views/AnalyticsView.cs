namespace CallCenter.Web;

/// <summary>A tenant's calls per day over a range, every day present.</summary>
public sealed record AnalyticsView(string From, string To, string Currency, IReadOnlyList<AnalyticsDayView> Days);
