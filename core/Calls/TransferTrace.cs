using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>The transfer webhooks' log lines.</summary>
internal static partial class TransferTrace
{
    [LoggerMessage(1101, LogLevel.Information, "Transfer of call {CallSid}: the human leg ended {Outcome} (DialCallStatus {DialCallStatus})")]
    public static partial void Outcome(ILogger logger, string callSid, string outcome, string dialCallStatus);

    [LoggerMessage(1102, LogLevel.Information, "Answered a transfer webhook ({Webhook}) for call {CallSid} with a hangup: it has no pending transfer or is over")]
    public static partial void NothingPending(ILogger logger, string webhook, string callSid);

    [LoggerMessage(1103, LogLevel.Information, "Transfer of call {CallSid} went unanswered ({Outcome}): the caller goes back to the agent")]
    public static partial void BackToAgent(ILogger logger, string callSid, string outcome);
}
