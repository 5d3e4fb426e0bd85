namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// An OpenAI control event, read by <see cref="RealtimeEventParser.ParseControl"/>: its kind and the fields
/// that kind carries. Text fields are never null for the kinds that use them.
/// </summary>
internal sealed record RealtimeControlEvent(RealtimeControlKind Kind)
{
    public static readonly RealtimeControlEvent Other = new(RealtimeControlKind.Other);

    /// <summary>The response the event is about; null for a <c>response.done</c> without one.</summary>
    public string? ResponseId { get; init; }

    /// <summary>The agent item of an <see cref="RealtimeControlKind.AgentTranscript"/>.</summary>
    public string ItemId { get; init; } = "";

    /// <summary>What the caller said, or the text of an agent item.</summary>
    public string Transcript { get; init; } = "";

    /// <summary>A created response asked for as the goodbye (tagged with its purpose).</summary>
    public bool IsGoodbye { get; init; }

    public FunctionCall Call { get; init; }

    /// <summary>A done response that completed: its function calls may run.</summary>
    public bool Completed { get; init; }

    /// <summary>A done response cut off because the caller began a turn (the server answers that turn itself).</summary>
    public bool TurnDetected { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Of a <see cref="RealtimeControlKind.SpeechStopped"/>: ms of input audio since the session's buffer start.</summary>
    public long AudioEndMs { get; init; }

    /// <summary>Of a <see cref="RealtimeControlKind.ResponseDone"/>: its usage, null when it carried none.</summary>
    public RealtimeResponseUsage? Usage { get; init; }
}
