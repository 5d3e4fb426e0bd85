namespace CallCenter.Core.Workflow;

/// <summary>Tells the tenant's dashboards the call is finished.</summary>
public sealed class PublishCallFinished(CallWorkflowSteps steps) : CallStep<CallRef, bool>
{
    protected override async Task<bool> RunStepAsync(CallRef input)
    {
        await steps.PublishFinishedAsync(input);
        return true;
    }
}
