using System.Diagnostics;
using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The per-call post-processing, written once and run by both hosts. It starts when the call has ended and, when a
/// recording is expected, when the recording has come too (whichever is last starts it, or the open-call sweep), with
/// the end, the plan and the recording in its input, so it waits for nothing. Then one activity stores the recording, settles the transcript by the tenant's policy,
/// summarizes into the CRM, marks the call finished, records its figures, starts its webhook deliveries and tells
/// the tenant's dashboards. A step that fails there is taken over by its own activity, with its own retries, and
/// the steps after it follow as their own activities. Every effect lives in idempotent code.
/// </summary>
public static class CallWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<CallWorkflowInput, CallWorkflowResult>(
        CallWorkflowNames.Orchestration,
        RunAsync,
        typeof(PlanCall), typeof(DownloadRecording), typeof(ResolveTranscript), typeof(RecordTranscriptFailure), typeof(SummarizeCall), typeof(FinishCall), typeof(PublishCallFinished), typeof(DeliverCallWebhooks), typeof(RecordCallMetrics), typeof(CompleteCall));

    public static async Task<CallWorkflowResult> RunAsync(TaskOrchestrationContext context, CallWorkflowInput input)
    {
        var call = new CallRef(input.TenantId, input.CallSid);
        var timings = input.Timings;
        var log = context.CreateReplaySafeLogger(typeof(CallWorkflow));

        // The engine's span of this orchestration, in the call's trace when the start carried it there.
        CallTelemetry.TagCall(Activity.Current, input.TenantId, input.CallSid);

        // Only an instance of the earlier shape (started by the voice webhook) has to wait for the end and plan; a
        // swept one goes on without the end when none was reported.
        var ended = input.Ended ?? (input.Swept ? null : await WaitForEventAsync<CallEnded>(context, CallWorkflowNames.CallEndedEvent, timings.CallEndTimeout));
        var plan = input.Plan ?? await context.CallActivityAsync<CallPlan>(nameof(PlanCall), call, RetryOptions(timings));

        // Started by the last of the end and the recording, the workflow has both and waits for nothing. Only an
        // instance of an earlier shape (started at the end, the recording to come) waits for the recording's event;
        // a swept one was started after that wait would have run out.
        var recording = plan.RecordingExpected ? plan.ParkedRecording : null;
        var waitedInVain = false;
        if (plan.RecordingExpected && recording is null && WaitsForRecording(ended))
        {
            recording = input.Swept ? null : await WaitForEventAsync<RecordingReady>(context, CallWorkflowNames.RecordingEvent, timings.RecordingTimeout);
            waitedInVain = recording is null;
        }

        // Every step in one activity; it reports the first step that failed rather than failing itself.
        CallCompletion? done;
        try
        {
            done = await context.CallActivityAsync<CallCompletion>(
                nameof(CompleteCall), new CompleteCallInput(call.TenantId, call.CallSid, recording, waitedInVain, plan.DeleteRecordingFromTwilio, !NeverConnected(ended)));
        }
        catch (TaskFailedException)
        {
            // Not a step's failure (those are reported): every step again, each as its own activity.
            done = null;
        }

        if (done is { FailedAt: null, TranscriptSource: { } settled })
        {
            return new CallWorkflowResult(ended?.Status, done.RecordingBlobPath, settled, done.Summarized);
        }

        var from = done?.FailedAt ?? CallStage.Recording;
        recording = done is null && waitedInVain
            ? (await TryStepAsync<CallPlan>(context, log, call, timings, null, CallStage.Recording, nameof(PlanCall), call))?.ParkedRecording
            : done?.Recording ?? recording;

        // The stages CompleteCall did not finish, each as its own activity, in the one order (CallStages).
        var blobPath = done?.RecordingBlobPath;
        var source = done?.TranscriptSource ?? TranscriptSource.None;
        var summarized = done?.Summarized ?? false;
        foreach (var step in CallStages.From(from))
        {
            switch (step.Stage)
            {
                // Without the recording the transcript falls back to what the policy allows; the call is kept.
                case CallStage.Recording when recording is { Status: "completed" }:
                    blobPath = await TryStepAsync<string>(context, log, call, timings, done, step.Stage, step.Activity,
                        new DownloadRecordingInput(call.TenantId, call.CallSid, recording.RecordingSid, recording.RecordingUrl, plan.DeleteRecordingFromTwilio));
                    break;

                case CallStage.Transcript:
                    var (resolved, outcome, reason) = await RunStepAsync<TranscriptOutcome>(context, timings, done, step.Stage, step.Activity,
                        new TranscriptInput(call.TenantId, call.CallSid, blobPath));
                    if (resolved)
                    {
                        source = outcome!.Source;
                    }
                    else
                    {
                        WorkflowTrace.StepFailed(log, call.CallSid, call.TenantId, step.Activity, reason!);
                        await context.CallActivityAsync(nameof(RecordTranscriptFailure), new TranscriptFailure(call.TenantId, call.CallSid, reason!), RetryOptions(timings));
                        source = TranscriptSource.Failed;
                    }

                    break;

                // The call keeps its transcript; the summary can be asked for again from the API.
                case CallStage.Summary when Summarizes(source, !NeverConnected(ended)):
                    summarized = await TryStepAsync<bool>(context, log, call, timings, done, step.Stage, step.Activity, call);
                    break;

                case CallStage.Finish:
                    var (finished, _, failure) = await RunStepAsync<bool>(context, timings, done, step.Stage, step.Activity, call);
                    if (!finished)
                    {
                        throw new InvalidOperationException($"Call {call.CallSid} could not be marked finished: {failure}");
                    }

                    break;

                // The call is kept and finished; only its cost and its place in the day's figures would be missing.
                case CallStage.Metrics:
                    await TryStepAsync<bool>(context, log, call, timings, done, step.Stage, step.Activity,
                        new CallMetricsInput(call.TenantId, call.CallSid, recording?.DurationSeconds));
                    break;

                // Only starts the deliveries; each runs as its own workflow, so no endpoint holds up the call.
                case CallStage.Webhooks:
                    await TryStepAsync<int>(context, log, call, timings, done, step.Stage, step.Activity, call);
                    break;

                // Dashboards also read the call from the API; a lost notice loses no data.
                case CallStage.Publish:
                    await TryStepAsync<bool>(context, log, call, timings, done, step.Stage, step.Activity, call);
                    break;
            }
        }

        return new CallWorkflowResult(ended?.Status, blobPath, source, summarized);
    }

    /// <summary>A recording is waited for after a call that connected and completed, or whose end is not known.</summary>
    public static bool WaitsForRecording(CallEnded? ended) => ended?.Status is null or "completed";

    /// <summary>Only a transcript someone spoke, of a call that connected, is summarized.</summary>
    public static bool Summarizes(TranscriptSource source, bool connected) =>
        source is TranscriptSource.Realtime or TranscriptSource.Recording && connected;

    /// <summary>
    /// Transient failures are retried with exponential backoff on durable timers; a
    /// <see cref="PermanentFailureException"/> is not retried. (A retry handler rather than a RetryPolicy,
    /// whose failure filter was not consulted on the sidecar backend.)
    /// </summary>
    /// <remarks><paramref name="attemptsBefore"/>: attempts made elsewhere (in <see cref="CompleteCall"/>) count toward the limit and the backoff.</remarks>
    public static TaskOptions RetryOptions(CallWorkflowTimings timings, int attemptsBefore = 0) =>
        TaskOptions.FromRetryHandler(async retry =>
        {
            var attempt = attemptsBefore + retry.LastAttemptNumber;
            if (attempt >= timings.MaxAttempts || IsPermanent(retry.LastFailure))
            {
                return false;
            }

            await WaitBackoffAsync(retry.OrchestrationContext, timings, attempt);
            return true;
        });

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: doubling from the first interval, at most the maximum.</summary>
    private static Task WaitBackoffAsync(TaskOrchestrationContext context, CallWorkflowTimings timings, int attempt)
    {
        var delay = timings.FirstRetryInterval * Math.Pow(2, attempt - 1);

        // A storage timer may wake up to a second early: each retry still waits its whole backoff.
        return DurableTimers.WaitUntilAsync(context, context.CurrentUtcDateTime + (delay < timings.MaxRetryInterval ? delay : timings.MaxRetryInterval), CancellationToken.None);
    }

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
    private static async Task<T?> TryStepAsync<T>(
        TaskOrchestrationContext context, ILogger log, CallRef call, CallWorkflowTimings timings, CallCompletion? done, CallStage stage, string step, object input)
    {
        var (ok, value, reason) = await RunStepAsync<T>(context, timings, done, stage, step, input);
        if (!ok)
        {
            WorkflowTrace.StepFailed(log, call.CallSid, call.TenantId, step, reason!);
        }

        return value;
    }

    /// <summary>
    /// A step as its own activity, with its retries. When it is the step <see cref="CompleteCall"/> failed at, that
    /// was its first attempt: a permanent failure is not run again, and a transient one goes on with the next
    /// attempt after its backoff, as if the activity had been retried.
    /// </summary>
    private static async Task<(bool Ok, T? Value, string? Failure)> RunStepAsync<T>(
        TaskOrchestrationContext context, CallWorkflowTimings timings, CallCompletion? done, CallStage stage, string step, object input)
    {
        var attemptsBefore = 0;
        if (done?.FailedAt == stage)
        {
            if (done.Permanent || timings.MaxAttempts <= 1)
            {
                return (false, default, done.Failure);
            }

            attemptsBefore = 1;
            await WaitBackoffAsync(context, timings, attemptsBefore);
        }

        try
        {
            return (true, await context.CallActivityAsync<T>(step, input, RetryOptions(timings, attemptsBefore)), null);
        }
        catch (TaskFailedException e)
        {
            return (false, default, e.FailureDetails.ErrorMessage);
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
