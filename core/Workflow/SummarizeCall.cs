namespace CallCenter.Core.Workflow;

/// <summary>Summarizes the call into the CRM; false when there was nothing to summarize.</summary>
public sealed class SummarizeCall(CallSummarizer summarizer) : CallStep<CallRef, bool>
{
    protected override Task<bool> RunStepAsync(CallRef input) => summarizer.SummarizeAsync(input);
}
