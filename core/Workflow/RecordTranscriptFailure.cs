using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Records why the transcript could not be settled.</summary>
public sealed class RecordTranscriptFailure(TranscriptResolver transcripts) : TaskActivity<TranscriptFailure, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TranscriptFailure input)
    {
        await transcripts.RecordFailureAsync(input);
        return true;
    }
}
