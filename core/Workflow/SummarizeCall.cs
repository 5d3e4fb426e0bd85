using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Summarizes the call into the CRM; false when there was nothing to summarize.</summary>
public sealed class SummarizeCall(CallSummarizer summarizer) : TaskActivity<CallRef, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, CallRef input) => summarizer.SummarizeAsync(input);
}
