using CallCenter.Core.Calls;
using CallCenter.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallCenter.Functions.Workflows;

/// <summary>
/// The per-call workflow as function-style Durable Functions: each method hands over to the same code the
/// local host registers with <c>AddCallWorkflow</c>.
/// </summary>
public sealed class CallWorkflowFunctions(
    CallWorkflowSteps steps,
    RecordingDownloader downloader,
    CallDialer dialer,
    TranscriptResolver transcripts,
    CallSummarizer summarizer)
{
    [Function(CallWorkflowNames.Orchestration)]
    public static Task<CallWorkflowResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        CallWorkflow.RunAsync(context, context.GetInput<CallWorkflowInput>()!);

    [Function(OutboundCallNames.Orchestration)]
    public static Task<string> PlaceCall([OrchestrationTrigger] TaskOrchestrationContext context) =>
        OutboundCallWorkflow.RunAsync(context, context.GetInput<string>()!);

    [Function(OutboundCallNames.Dial)]
    public Task<string> Dial([ActivityTrigger] string callId, CancellationToken ct) => dialer.DialAsync(callId, ct);

    [Function(CallActivities.Plan)]
    public Task<CallPlan> Plan([ActivityTrigger] CallRef call) => steps.PlanAsync(call);

    [Function(CallActivities.DownloadRecording)]
    public Task<string> DownloadRecording([ActivityTrigger] DownloadRecordingInput input, CancellationToken ct) =>
        downloader.DownloadAsync(input, ct);

    [Function(CallActivities.ResolveTranscript)]
    public Task<TranscriptOutcome> ResolveTranscript([ActivityTrigger] TranscriptInput input, CancellationToken ct) =>
        transcripts.ResolveAsync(input, ct);

    [Function(CallActivities.RecordTranscriptFailure)]
    public async Task<bool> RecordTranscriptFailure([ActivityTrigger] TranscriptFailure failure, CancellationToken ct)
    {
        await transcripts.RecordFailureAsync(failure, ct);
        return true;
    }

    [Function(CallActivities.Summarize)]
    public Task<bool> Summarize([ActivityTrigger] CallRef call, CancellationToken ct) => summarizer.SummarizeAsync(call, ct);

    [Function(CallActivities.Finish)]
    public async Task<bool> Finish([ActivityTrigger] CallRef call)
    {
        await steps.FinishAsync(call);
        return true;
    }

    [Function(CallActivities.PublishFinished)]
    public async Task<bool> PublishFinished([ActivityTrigger] CallRef call, CancellationToken ct)
    {
        await steps.PublishFinishedAsync(call, ct);
        return true;
    }
}
