namespace CallCenter.Core.Calls;

public static class CallStatusNames
{
    private static readonly (CallStatus Status, string Wire)[] Names =
    [
        (CallStatus.Queued, "queued"),
        (CallStatus.Initiated, "initiated"),
        (CallStatus.Ringing, "ringing"),
        (CallStatus.InProgress, "in-progress"),
        (CallStatus.Completed, "completed"),
        (CallStatus.Busy, "busy"),
        (CallStatus.NoAnswer, "no-answer"),
        (CallStatus.Canceled, "canceled"),
        (CallStatus.Failed, "failed"),
    ];

    public static IReadOnlyList<CallStatus> All { get; } = Names.Select(n => n.Status).ToArray();

    /// <summary>The value Twilio sends in <c>CallStatus</c>.</summary>
    public static string ToWire(this CallStatus status) => Names[(int)status].Wire;

    public static bool TryParse(string? wire, out CallStatus status)
    {
        foreach (var (candidate, name) in Names)
        {
            if (string.Equals(name, wire, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
