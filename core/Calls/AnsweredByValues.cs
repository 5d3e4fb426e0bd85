namespace CallCenter.Core.Calls;

/// <summary>Twilio's <c>AnsweredBy</c> values (answering-machine detection), and which of them mean a machine.</summary>
public static class AnsweredByValues
{
    public const string Human = "human";

    /// <summary>Every value Twilio documents; anything else in a webhook is not stored.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Human, "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax", "unknown",
    };

    /// <summary>
    /// A machine took the call. A fax is not: no message can be left on it, so it is handled as unknown.
    /// </summary>
    public static bool IsMachine(string? answeredBy) => answeredBy is not null && answeredBy.StartsWith("machine_", StringComparison.Ordinal);
}
