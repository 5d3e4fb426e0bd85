namespace CallCenter.Core.Calls;

public static class TwilioSids
{
    public static bool IsCallSid(string? sid) => IsSid(sid, "CA");

    public static bool IsRecordingSid(string? sid) => IsSid(sid, "RE");

    private static bool IsSid(string? sid, string prefix) =>
        sid is { Length: 34 } && sid.StartsWith(prefix, StringComparison.Ordinal) && sid.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") == false;
}
