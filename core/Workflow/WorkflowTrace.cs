using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Workflow;

/// <summary>The call workflow's log lines, written through the orchestration's replay-safe logger so each is written once.</summary>
internal static partial class WorkflowTrace
{
    [LoggerMessage(2001, LogLevel.Warning, "Call {CallSid} of tenant {TenantId}: step {Step} failed and the workflow went on without it: {Reason}")]
    public static partial void StepFailed(ILogger logger, string callSid, string tenantId, string step, string reason);
}
