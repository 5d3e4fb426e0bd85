using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Settles the call's final transcript by the tenant's policy.</summary>
public sealed class ResolveTranscript(TranscriptResolver transcripts) : TaskActivity<TranscriptInput, TranscriptOutcome>
{
    public override Task<TranscriptOutcome> RunAsync(TaskActivityContext context, TranscriptInput input) => transcripts.ResolveAsync(input);
}
