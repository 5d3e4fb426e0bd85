using CallCenter.Core.Calls;
using CallCenter.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Workflows;

/// <summary>
/// The call workflows as Durable Functions: the orchestrators over the same workflow code the local host runs,
/// and one wrapper per activity class of <see cref="CallWorkflow.Durable"/> and <see cref="OutboundCallWorkflow.Durable"/>
/// (the Functions host finds only <c>[Function]</c> methods).
/// </summary>
public static class CallWorkflowFunctions
{
    [Function(CallWorkflowNames.Orchestration)]
    public static Task<CallWorkflowResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        CallWorkflow.RunAsync(context, context.GetInput<CallWorkflowInput>()!);

    [Function(OutboundCallNames.Orchestration)]
    public static Task<string> PlaceCall([OrchestrationTrigger] TaskOrchestrationContext context) =>
        OutboundCallWorkflow.RunAsync(context, context.GetInput<string>()!);

    [Function(nameof(DialCall))]
    public static Task<string> Dial([ActivityTrigger] string input, string instanceId, FunctionContext function) =>
        function.RunAsync<DialCall, string, string>(input, instanceId);

    [Function(nameof(PlanCall))]
    public static Task<CallPlan> Plan([ActivityTrigger] CallRef input, string instanceId, FunctionContext function) =>
        function.RunAsync<PlanCall, CallRef, CallPlan>(input, instanceId);

    [Function(nameof(DownloadRecording))]
    public static Task<string> Download([ActivityTrigger] DownloadRecordingInput input, string instanceId, FunctionContext function) =>
        function.RunAsync<DownloadRecording, DownloadRecordingInput, string>(input, instanceId);

    [Function(nameof(ResolveTranscript))]
    public static Task<TranscriptOutcome> Resolve([ActivityTrigger] TranscriptInput input, string instanceId, FunctionContext function) =>
        function.RunAsync<ResolveTranscript, TranscriptInput, TranscriptOutcome>(input, instanceId);

    [Function(nameof(RecordTranscriptFailure))]
    public static Task<bool> RecordFailure([ActivityTrigger] TranscriptFailure input, string instanceId, FunctionContext function) =>
        function.RunAsync<RecordTranscriptFailure, TranscriptFailure, bool>(input, instanceId);

    [Function(nameof(SummarizeCall))]
    public static Task<bool> Summarize([ActivityTrigger] CallRef input, string instanceId, FunctionContext function) =>
        function.RunAsync<SummarizeCall, CallRef, bool>(input, instanceId);

    [Function(nameof(FinishCall))]
    public static Task<bool> Finish([ActivityTrigger] CallRef input, string instanceId, FunctionContext function) =>
        function.RunAsync<FinishCall, CallRef, bool>(input, instanceId);

    [Function(nameof(PublishCallFinished))]
    public static Task<bool> PublishFinished([ActivityTrigger] CallRef input, string instanceId, FunctionContext function) =>
        function.RunAsync<PublishCallFinished, CallRef, bool>(input, instanceId);

    [Function(nameof(DeliverCallWebhooks))]
    public static Task<int> DeliverWebhooks([ActivityTrigger] CallRef input, [DurableClient] DurableTaskClient client, string instanceId, FunctionContext function) =>
        function.RunAsync<DeliverCallWebhooks, CallRef, int>(input, instanceId, a => a.Client = client);

    [Function(nameof(RecordCallMetrics))]
    public static Task<bool> RecordMetrics([ActivityTrigger] CallMetricsInput input, string instanceId, FunctionContext function) =>
        function.RunAsync<RecordCallMetrics, CallMetricsInput, bool>(input, instanceId);

    [Function(nameof(CompleteCall))]
    public static Task<CallCompletion> Complete([ActivityTrigger] CompleteCallInput input, [DurableClient] DurableTaskClient client, string instanceId, FunctionContext function) =>
        function.RunAsync<CompleteCall, CompleteCallInput, CallCompletion>(input, instanceId, a => a.Client = client);
}
