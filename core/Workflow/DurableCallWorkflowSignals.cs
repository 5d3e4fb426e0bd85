using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The workflow signals over a Durable Task client (the Functions binding's, or the local host's). A call's workflow
/// starts once, when its end is known and, if the call is to have a recording, when the recording has come too:
/// whichever of the two comes last starts it, with both in its input, so it waits for nothing and sets no timer.
/// The call's end also starts the callbacks its agent asked for (<paramref name="callbacks"/>): the media bridge
/// that ran the tool has no Durable client, and an activity of the call's workflow has none in Functions either.
/// </summary>
/// <remarks>
/// The end and the recording race each other without loss, because each side writes before it reads what the other
/// wrote: the recording callback parks the recording, then reads the call's status; the status callback writes the
/// terminal status, then reads the parked recording into the plan. So at least one of them sees both and starts the
/// workflow; when both do, the start rule keeps one execution, and either input holds both. A recording that never
/// comes, or an end never reported, is left to the open-call sweep (<see cref="OpenCallSweeper"/>).
/// </remarks>
public sealed class DurableCallWorkflowSignals(
    DurableTaskClient client,
    IOptions<CallWorkflowOptions> options,
    KnownCallWorkflows known,
    CallWorkflowSteps steps,
    CallLogStore calls,
    CallbackStore? callbacks = null) : ICallWorkflowSignals
{
    /// <remarks>The workflow and the agent's callbacks are started side by side: neither reads what the other writes.</remarks>
    public Task CallEndedAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct = default) =>
        Task.WhenAll(StartAfterEndAsync(tenantId, callSid, ended, ct), StartRequestedCallbacksAsync(tenantId, callSid, ct));

    private async Task StartAfterEndAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct)
    {
        if (!known.Contains(CallWorkflowNames.InstanceId(callSid)))
        {
            // Read after the end was written: a recording parked before that is in the plan; one parked after it
            // finds the end and starts the workflow itself.
            var plan = await steps.PlanAsync(new CallRef(tenantId, callSid), ended, ct);
            if (!AwaitsRecording(plan, ended))
            {
                await StartAsync(tenantId, callSid, ended, plan, swept: false, ct);
            }
        }
    }

    // On every delivery of the end, like the start: each start is once per callback, so a repeat starts nothing.
    private async Task StartRequestedCallbacksAsync(string tenantId, string callSid, CancellationToken ct)
    {
        foreach (var callback in callbacks is null ? [] : await callbacks.ListRequestedByCallAsync(tenantId, callSid, ct))
        {
            await client.StartAsync(callback, ct);
        }
    }

    public async Task RecordingAsync(string tenantId, string callSid, RecordingReady recording, CancellationToken ct = default)
    {
        // Started here already: by this recording (a repeat), or with nothing to wait for.
        if (known.Contains(CallWorkflowNames.InstanceId(callSid)))
        {
            return;
        }

        // Read as stored now, after the recording was parked: a call not ended yet is started by its end, which
        // reads the parked recording after writing the end.
        if (await calls.GetAsync(tenantId, callSid, ct) is not { Status: { } status } call || !status.IsTerminal() || call.WorkflowFinishedAt is not null)
        {
            return;
        }

        var ended = new CallEnded(status.ToWire(), call.DurationSeconds);
        var plan = await steps.PlanAsync(new CallRef(tenantId, callSid), ended, recording, ct);
        if (await StartAsync(tenantId, callSid, ended, plan, swept: false, ct) is { Started: false, Waits: true })
        {
            // Found started by an earlier version, and waiting: it may be waiting for the recording.
            await client.RaiseEventAsync(CallWorkflowNames.InstanceId(callSid), CallWorkflowNames.RecordingEvent, recording, ct);
        }
    }

    /// <summary>
    /// The open-call sweep's start, after the wait for the end or the recording ran out: with what is known (the end
    /// may be unknown), waiting for nothing. False when the workflow was found started.
    /// </summary>
    public async Task<bool> StartSweptAsync(string tenantId, string callSid, CallEnded? ended, CancellationToken ct = default)
    {
        var plan = await steps.PlanAsync(new CallRef(tenantId, callSid), ended, ct);
        return (await StartAsync(tenantId, callSid, ended, plan, swept: true, ct)).Started;
    }

    /// <summary>A recording is to come and has not: the recording callback, or the sweep, starts the workflow.</summary>
    public static bool AwaitsRecording(CallPlan plan, CallEnded? ended) =>
        plan.RecordingExpected && plan.ParkedRecording is null && CallWorkflow.WaitsForRecording(ended);

    /// <returns>Started: this call started it. Waits: found started, live, and of a shape that may wait for the call's events.</returns>
    private async Task<(bool Started, bool Waits)> StartAsync(string tenantId, string callSid, CallEnded? ended, CallPlan plan, bool swept, CancellationToken ct)
    {
        var instanceId = CallWorkflowNames.InstanceId(callSid);
        var input = new CallWorkflowInput(tenantId, callSid, options.Value.Timings, ended, plan, swept);
        var (started, found) = await client.StartOrFindAsync(CallWorkflowNames.Orchestration, instanceId, input, getInputs: true, ct);
        if (started)
        {
            // Only instances this process started are remembered: they are of this shape and wait for no event.
            known.Add(instanceId);
            return (true, false);
        }

        // Started before: elsewhere by the end or the recording, with both in its input (it waits for nothing), or by
        // an earlier version whose live instance waits for the end or the recording. Only that one is sent them: an
        // event raised into any other costs an engine episode for nothing, and touches an instance already finished.
        // A start refused while racing another before the instance existed found none: that one is of this version.
        var waits = found is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending }
            && found.ReadInputAs<CallWorkflowInput>()?.MayWaitForEvents() == true;
        if (waits && ended is not null)
        {
            await client.RaiseEventAsync(instanceId, CallWorkflowNames.CallEndedEvent, ended, ct);
        }

        return (false, waits);
    }
}
