using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Tells the tenant's dashboards the call is finished.</summary>
public sealed class PublishCallFinished(CallWorkflowSteps steps) : TaskActivity<CallRef, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CallRef input)
    {
        await steps.PublishFinishedAsync(input);
        return true;
    }
}
