namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>Every log line the bridge writes: one at call start, one at call end, and faults. Never per frame.</summary>
internal static partial class BridgeTrace
{
    [LoggerMessage(1, LogLevel.Information, "Call {CallSid} started for tenant {TenantId} ({Direction}), setup {SetupMs} ms")]
    public static partial void CallStarted(ILogger logger, string callSid, string tenantId, string direction, long setupMs);

    [LoggerMessage(2, LogLevel.Information,
        "Call {CallSid} ended after {DurationMs} ms: frames in {FramesIn}, out {FramesOut}, barge-ins {BargeIns}, tool calls {ToolCalls}, dropped transcript events {Dropped}, reconnects {Reconnects}, hung up {HungUp}")]
    public static partial void CallEnded(ILogger logger, string callSid, long durationMs, long framesIn, long framesOut, int bargeIns, int toolCalls, int dropped, int reconnects, bool hungUp);

    [LoggerMessage(3, LogLevel.Warning, "Media stream rejected: {Reason}")]
    public static partial void StreamRejected(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Call {CallSid}: OpenAI session dropped, reconnecting once")]
    public static partial void OpenAiReconnecting(ILogger logger, string callSid, Exception? error);

    [LoggerMessage(5, LogLevel.Error, "Call {CallSid}: OpenAI session could not be restored; hanging up")]
    public static partial void OpenAiLost(ILogger logger, string callSid, Exception? error);

    [LoggerMessage(6, LogLevel.Warning, "Call {CallSid}: OpenAI error {Code}: {Message}")]
    public static partial void OpenAiError(ILogger logger, string callSid, string? code, string? message);

    [LoggerMessage(7, LogLevel.Warning, "Call {CallSid}: tool {Tool} failed")]
    public static partial void ToolFailed(ILogger logger, string callSid, string tool, Exception error);

    [LoggerMessage(8, LogLevel.Error, "Call {CallSid}: hangup failed")]
    public static partial void HangupFailed(ILogger logger, string callSid, Exception error);

    [LoggerMessage(9, LogLevel.Error, "Call {CallSid}: the media session failed")]
    public static partial void SessionFailed(ILogger logger, string callSid, Exception error);

    [LoggerMessage(10, LogLevel.Error, "Transcript writer failed to store {Count} turns for tenant {TenantId}")]
    public static partial void TranscriptWriteFailed(ILogger logger, int count, string tenantId, Exception error);

    [LoggerMessage(12, LogLevel.Warning, "Could not publish {Count} live events for tenant {TenantId}")]
    public static partial void LiveEventsFailed(ILogger logger, int count, string tenantId, Exception error);

    [LoggerMessage(11, LogLevel.Error, "Call {CallSid}: could not load the call's context")]
    public static partial void ContextFailed(ILogger logger, string callSid, Exception error);

    [LoggerMessage(13, LogLevel.Warning, "Call {CallSid}: nothing from Twilio for {IdleMs} ms; hanging up")]
    public static partial void TwilioSilent(ILogger logger, string callSid, long idleMs);

    [LoggerMessage(14, LogLevel.Information, "Call {CallSid} reached its limit of {LimitSeconds} s; the agent says goodbye")]
    public static partial void CallTooLong(ILogger logger, string callSid, long limitSeconds);

    [LoggerMessage(15, LogLevel.Information, "Shutting down: refusing new streams, {LiveCalls} live calls may run for {GraceSeconds} s more")]
    public static partial void Draining(ILogger logger, int liveCalls, long graceSeconds);

    [LoggerMessage(16, LogLevel.Warning, "Shutdown grace nearly over: {LiveCalls} live calls are asked to say goodbye")]
    public static partial void ClosingLiveCalls(ILogger logger, int liveCalls);

    [LoggerMessage(17, LogLevel.Warning, "Call {CallSid}: could not record that its stream ended")]
    public static partial void StreamEndNotRecorded(ILogger logger, string callSid, Exception error);

    // Numbered apart from the others' so that parts added at the same time do not share an id.
    [LoggerMessage(40, LogLevel.Warning, "Call {CallSid}: could not store its latencies and Realtime usage")]
    public static partial void MeasurementsNotRecorded(ILogger logger, string callSid, Exception error);
}
