namespace CallCenter.Core.Workflow;

/// <summary>Records why the transcript could not be settled.</summary>
public sealed class RecordTranscriptFailure(TranscriptResolver transcripts) : CallStep<TranscriptFailure, bool>
{
    protected override async Task<bool> RunStepAsync(TranscriptFailure input)
    {
        await transcripts.RecordFailureAsync(input);
        return true;
    }
}
