using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>The call webhooks' log lines: one per event of interest.</summary>
internal static partial class CallTrace
{
    [LoggerMessage(1001, LogLevel.Warning, "Refused a {Webhook} webhook with a missing or wrong X-Twilio-Signature")]
    public static partial void ForgedWebhook(ILogger logger, string webhook);

    [LoggerMessage(1002, LogLevel.Information, "Rejected call {CallSid}: the called number belongs to no tenant")]
    public static partial void UnknownNumber(ILogger logger, string callSid);

    [LoggerMessage(1003, LogLevel.Information, "Ignored a callback for call {CallSid}, which no tenant owns")]
    public static partial void UnknownCall(ILogger logger, string callSid);

    [LoggerMessage(1004, LogLevel.Warning, "Refused a voice webhook for call {CallSid}, which is finished: no stream token issued")]
    public static partial void FinishedCallWebhook(ILogger logger, string callSid);
}
