namespace CallCenter.Core.Workflow;

/// <summary>Settles the call's final transcript by the tenant's policy.</summary>
public sealed class ResolveTranscript(TranscriptResolver transcripts) : CallStep<TranscriptInput, TranscriptOutcome>
{
    protected override Task<TranscriptOutcome> RunStepAsync(TranscriptInput input) => transcripts.ResolveAsync(input);
}
