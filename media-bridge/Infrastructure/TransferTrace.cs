namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>The bridge's transfer log lines (event ids from 101, apart from <see cref="BridgeTrace"/>'s).</summary>
internal static partial class TransferTrace
{
    [LoggerMessage(101, LogLevel.Information, "Call {CallSid}: transfer to {Target} asked for; redirecting once the agent's line has played")]
    public static partial void Requested(ILogger logger, string callSid, string target);

    [LoggerMessage(102, LogLevel.Information, "Call {CallSid}: transfer refused ({Why}); nothing dialled")]
    public static partial void Refused(ILogger logger, string callSid, string why);

    [LoggerMessage(103, LogLevel.Information, "Call {CallSid}: redirected to the transfer TwiML")]
    public static partial void Redirected(ILogger logger, string callSid);

    [LoggerMessage(104, LogLevel.Error, "Call {CallSid}: the transfer could not be started; hanging up")]
    public static partial void Failed(ILogger logger, string callSid, Exception error);
}
