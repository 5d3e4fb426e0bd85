namespace CallCenter.Core.Workflow;

/// <summary>The call workflow's first step: what to wait for.</summary>
public sealed class PlanCall(CallWorkflowSteps steps) : CallStep<CallRef, CallPlan>
{
    protected override Task<CallPlan> RunStepAsync(CallRef input) => steps.PlanAsync(input);
}
