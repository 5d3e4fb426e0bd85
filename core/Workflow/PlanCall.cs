using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>The call workflow's first step: what to wait for.</summary>
public sealed class PlanCall(CallWorkflowSteps steps) : TaskActivity<CallRef, CallPlan>
{
    public override Task<CallPlan> RunAsync(TaskActivityContext context, CallRef input) => steps.PlanAsync(input);
}
