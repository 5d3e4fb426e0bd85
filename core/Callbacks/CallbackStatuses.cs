namespace CallCenter.Core.Callbacks;

/// <summary>Where a callback stands; only <see cref="Scheduled"/> moves, and only once.</summary>
public static class CallbackStatuses
{
    public const string Scheduled = "scheduled";
    public const string Dialed = "dialed";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";

    public static IReadOnlyList<string> All { get; } = [Scheduled, Dialed, Cancelled, Skipped];
}
