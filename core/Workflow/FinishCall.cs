namespace CallCenter.Core.Workflow;

/// <summary>Marks the call's workflow finished; later callbacks no longer start or signal it.</summary>
public sealed class FinishCall(CallWorkflowSteps steps) : CallStep<CallRef, bool>
{
    protected override async Task<bool> RunStepAsync(CallRef input)
    {
        await steps.FinishAsync(input);
        return true;
    }
}
