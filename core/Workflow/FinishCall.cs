using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Marks the call's workflow finished; later callbacks no longer start or signal it.</summary>
public sealed class FinishCall(CallWorkflowSteps steps) : TaskActivity<CallRef, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CallRef input)
    {
        await steps.FinishAsync(input);
        return true;
    }
}
