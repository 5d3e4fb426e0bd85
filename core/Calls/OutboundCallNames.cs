namespace CallCenter.Core.Calls;

public static class OutboundCallNames
{
    public const string Orchestration = "OutboundCall";

    /// <summary>Carried in the webhook URLs we give Twilio, which signs them, so a callback can name its request.</summary>
    public const string QueryParameter = "outbound";

    public static string InstanceId(string callId) => "dial-" + callId;

    public static string NewCallId() => "OC" + Guid.NewGuid().ToString("N");

    public static bool IsCallId(string? id) => id is { Length: 34 } && id.StartsWith("OC", StringComparison.Ordinal) && id.AsSpan(2).ContainsAnyExcept("0123456789abcdef") == false;
}
