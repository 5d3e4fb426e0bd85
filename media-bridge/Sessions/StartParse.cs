namespace CallCenter.MediaBridge.Sessions;

/// <summary>The outcome of reading one message before the stream is accepted; a refusal carries its reason for the log.</summary>
internal readonly record struct StartParse(StartParseKind Kind, string? Reason)
{
    public static StartParse Connected => new(StartParseKind.Connected, null);

    public static StartParse Start => new(StartParseKind.Start, null);

    public static StartParse Refused(string reason) => new(StartParseKind.Refused, reason);
}
