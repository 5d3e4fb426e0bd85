using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>
/// One callback: a durable timer to its time (or its cancel, whichever comes first), the decision, and the dial
/// of the outbound request it planned by the same dialer, at most once, as a call placed through the API
/// (<see cref="CallDialer"/>; the dial is never retried).
/// </summary>
public static class CallbackWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<CallbackRef, string>(
        CallbackWorkflowNames.Orchestration, RunAsync, typeof(DecideCallback), typeof(DialCallback), typeof(RecordCallbackCall));

    // Deciding is idempotent (the status moves once under its ETag), so a transient storage failure is retried.
    private static readonly TaskOptions Retry = new(new TaskRetryOptions(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30))));

    public static async Task<string> RunAsync(TaskOrchestrationContext context, CallbackRef input)
    {
        using (var stop = new CancellationTokenSource())
        {
            var due = DurableTimers.WaitUntilAsync(context, input.ScheduledFor.UtcDateTime, stop.Token);
            var cancelled = context.WaitForExternalEvent<bool>(CallbackWorkflowNames.CancelledEvent, stop.Token);
            var first = await Task.WhenAny(due, cancelled);
            stop.Cancel();
            if (first == cancelled)
            {
                return CallbackStatuses.Cancelled;
            }
        }

        var decision = await context.CallActivityAsync<CallbackDecision>(nameof(DecideCallback), input, Retry);
        if (decision is not { Status: CallbackStatuses.Dialed, OutboundCallId: { } callId })
        {
            return decision.Status;
        }

        string? callSid = null, failure = null;
        try
        {
            callSid = await context.CallActivityAsync<string>(nameof(DialCallback), callId);
        }
        catch (TaskFailedException e)
        {
            // The dial is never retried (a second dial could ring the lead twice); the callback says why.
            failure = e.FailureDetails.ErrorMessage;
        }

        await context.CallActivityAsync<bool>(nameof(RecordCallbackCall), new CallbackCall(input.TenantId, input.CallbackId, callSid, failure), Retry);
        return CallbackStatuses.Dialed;
    }
}
