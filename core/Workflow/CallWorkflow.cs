using System.Diagnostics;
using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The per-call post-processing, written once and run by both hosts: wait for the call to end and for its
/// recording (each bounded by a durable timer), store the recording, settle the transcript by the tenant's
/// policy, summarize into the CRM, mark the call finished and tell the tenant's dashboards. Every effect lives in an idempotent activity.
/// </summary>
public static class CallWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<CallWorkflowInput, CallWorkflowResult>(
        CallWorkflowNames.Orchestration,
        RunAsync,
        typeof(PlanCall), typeof(DownloadRecording), typeof(ResolveTranscript), typeof(RecordTranscriptFailure), typeof(SummarizeCall), typeof(FinishCall), typeof(PublishCallFinished), typeof(DeliverCallWebhooks), typeof(RecordCallMetrics));

    public static async Task<CallWorkflowResult> RunAsync(TaskOrchestrationContext context, CallWorkflowInput input)
    {
        var call = new CallRef(input.TenantId, input.CallSid);
        var retry = RetryOptions(input.Timings);
        var log = context.CreateReplaySafeLogger(typeof(CallWorkflow));

        // The engine's span of this orchestration, in the call's trace when the start carried it there.
        CallTelemetry.TagCall(Activity.Current, input.TenantId, input.CallSid);

        var ended = await WaitForEventAsync<CallEnded>(context, CallWorkflowNames.CallEndedEvent, input.Timings.CallEndTimeout);
        var plan = await context.CallActivityAsync<CallPlan>(nameof(PlanCall), call, retry);

        // A recording callback that came before the call was known was parked; otherwise wait for its event.
        var recording = !plan.RecordingExpected ? null
            : plan.ParkedRecording ?? (ended?.Status is null or "completed"
                ? await WaitForEventAsync<RecordingReady>(context, CallWorkflowNames.RecordingEvent, input.Timings.RecordingTimeout)
                : null);

        // Without the recording the transcript falls back to what the policy allows; the call is kept.
        var blobPath = recording is { Status: "completed" }
            ? await TryStepAsync<string>(context, log, call, nameof(DownloadRecording),
                new DownloadRecordingInput(call.TenantId, call.CallSid, recording.RecordingSid, recording.RecordingUrl, plan.DeleteRecordingFromTwilio), retry)
            : null;

        TranscriptSource source;
        try
        {
            var outcome = await context.CallActivityAsync<TranscriptOutcome>(
                nameof(ResolveTranscript), new TranscriptInput(call.TenantId, call.CallSid, blobPath), retry);
            source = outcome.Source;
        }
        catch (TaskFailedException e)
        {
            var reason = e.FailureDetails.ErrorMessage;
            WorkflowTrace.StepFailed(log, call.CallSid, call.TenantId, nameof(ResolveTranscript), reason);
            await context.CallActivityAsync(nameof(RecordTranscriptFailure), new TranscriptFailure(call.TenantId, call.CallSid, reason), retry);
            source = TranscriptSource.Failed;
        }

        // The call keeps its transcript; the summary can be asked for again from the API.
        var summarized = source is TranscriptSource.Realtime or TranscriptSource.Recording && !NeverConnected(ended)
            && await TryStepAsync<bool>(context, log, call, nameof(SummarizeCall), call, retry);

        await context.CallActivityAsync(nameof(FinishCall), call, retry);

        // The call is kept and finished; only its cost and its place in the day's figures would be missing.
        await TryStepAsync<bool>(context, log, call, nameof(RecordCallMetrics), new CallMetricsInput(call.TenantId, call.CallSid, recording?.DurationSeconds), retry);

        // Only starts the deliveries; each runs as its own workflow, so no endpoint holds up the call.
        await TryStepAsync<int>(context, log, call, nameof(DeliverCallWebhooks), call, retry);

        // Dashboards also read the call from the API; a lost notice loses no data.
        await TryStepAsync<bool>(context, log, call, nameof(PublishCallFinished), call, retry);

        return new CallWorkflowResult(ended?.Status, blobPath, source, summarized);
    }

    /// <summary>
    /// Transient failures are retried with exponential backoff on durable timers; a
    /// <see cref="PermanentFailureException"/> is not retried. (A retry handler rather than a RetryPolicy,
    /// whose failure filter was not consulted on the sidecar backend.)
    /// </summary>
    public static TaskOptions RetryOptions(CallWorkflowTimings timings) =>
        TaskOptions.FromRetryHandler(async retry =>
        {
            if (retry.LastAttemptNumber >= timings.MaxAttempts || IsPermanent(retry.LastFailure))
            {
                return false;
            }

            var delay = timings.FirstRetryInterval * Math.Pow(2, retry.LastAttemptNumber - 1);
            var context = retry.OrchestrationContext;
            // A storage timer may wake up to a second early: each retry still waits its whole backoff.
            await DurableTimers.WaitUntilAsync(context, context.CurrentUtcDateTime + (delay < timings.MaxRetryInterval ? delay : timings.MaxRetryInterval), CancellationToken.None);
            return true;
        });

    // By type name: IsCausedBy resolves types by scanning loaded assemblies and fails on duplicates.
    private static bool IsPermanent(TaskFailureDetails? failure) =>
        failure is not null && (failure.ErrorType == typeof(PermanentFailureException).FullName || IsPermanent(failure.InnerFailure));

    /// <summary>
    /// A call that ended busy, unanswered, failed or canceled: nobody spoke, so no summary is asked for. Twilio
    /// reports these only by the status callback, which starts this workflow with the end already known.
    /// </summary>
    private static bool NeverConnected(CallEnded? ended) => ended?.Status is "busy" or "no-answer" or "failed" or "canceled";

    /// <summary>
    /// Runs a step the call can do without: when it fails for good (after its retries) the failure is logged once,
    /// with the call, and the workflow goes on with the step's default result.
    /// </summary>
    private static async Task<T?> TryStepAsync<T>(TaskOrchestrationContext context, ILogger log, CallRef call, string step, object input, TaskOptions? options)
    {
        try
        {
            return await context.CallActivityAsync<T>(step, input, options);
        }
        catch (TaskFailedException e)
        {
            WorkflowTrace.StepFailed(log, call.CallSid, call.TenantId, step, e.FailureDetails.ErrorMessage);
            return default;
        }
    }

    /// <summary>The event, or null when the durable timer fires first.</summary>
    private static async Task<T?> WaitForEventAsync<T>(TaskOrchestrationContext context, string name, TimeSpan timeout)
        where T : class
    {
        try
        {
            return await context.WaitForExternalEvent<T>(name, timeout);
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
