using CallCenter.Core.Calls;
using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>The outbound call workflow: one dial, never retried (a second dial would ring the lead twice).</summary>
public static class OutboundCallWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<string, string>(OutboundCallNames.Orchestration, RunAsync, typeof(DialCall));

    public static Task<string> RunAsync(TaskOrchestrationContext context, string callId) =>
        context.CallActivityAsync<string>(nameof(DialCall), callId);
}
