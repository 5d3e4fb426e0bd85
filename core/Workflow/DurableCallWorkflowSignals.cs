using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The workflow signals over a Durable Task client (the Functions binding's, or the local host's). A call's workflow
/// starts once, when its end is known, with the end and the plan in its input (no wait for the end, no timer for
/// it). The call's end also starts the callbacks its agent asked for (<paramref name="callbacks"/>): the media bridge
/// that ran the tool has no Durable client, and an activity of the call's workflow has none in Functions either.
/// </summary>
/// <remarks>
/// A recording and the end race each other without loss, because each side writes before it reads what the other
/// wrote: the recording callback parks the recording, then reads the call's status; the status callback writes the
/// terminal status, then reads the parked recording into the plan. So either the plan holds the recording, or the
/// recording callback sees the end and signals a workflow that exists (it starts it, with the same rule, if the
/// end's start has not yet). The workflow's bounded wait ends in a last look at the parked recording, which covers
/// the one order left (two starts racing, and the event overtaking its instance's start).
/// </remarks>
public sealed class DurableCallWorkflowSignals(
    DurableTaskClient client,
    IOptions<CallWorkflowOptions> options,
    KnownCallWorkflows known,
    CallWorkflowSteps steps,
    CallLogStore calls,
    CallbackStore? callbacks = null) : ICallWorkflowSignals
{
    public async Task CallEndedAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct = default)
    {
        await StartAsync(tenantId, callSid, ended, ct);

        // On every delivery of the end, like the start: each start is once per callback, so a repeat starts nothing.
        foreach (var callback in callbacks is null ? [] : await callbacks.ListRequestedByCallAsync(tenantId, callSid, ct))
        {
            await client.StartAsync(callback, ct);
        }
    }

    public async Task RecordingAsync(string tenantId, string callSid, RecordingReady recording, CancellationToken ct = default)
    {
        var instanceId = CallWorkflowNames.InstanceId(callSid);
        if (!known.Contains(instanceId))
        {
            // Read as stored now, after the recording was parked: a call not ended yet starts with the parked
            // recording in its plan, as its end is written before that plan is made.
            if (await calls.GetAsync(tenantId, callSid, ct) is not { Status: { } status } call || !status.IsTerminal())
            {
                return;
            }

            await StartAsync(tenantId, callSid, new CallEnded(status.ToWire(), call.DurationSeconds), ct);
        }

        await client.RaiseEventAsync(instanceId, CallWorkflowNames.RecordingEvent, recording, ct);
    }

    private async Task StartAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct)
    {
        var instanceId = CallWorkflowNames.InstanceId(callSid);
        if (known.Contains(instanceId))
        {
            return;
        }

        var plan = await steps.PlanAsync(new CallRef(tenantId, callSid), ended, ct);
        if (!await client.StartOnceAsync(CallWorkflowNames.Orchestration, instanceId, new CallWorkflowInput(tenantId, callSid, options.Value.Timings, ended, plan), ct))
        {
            // Started before: elsewhere by this end or the recording (such an instance ignores the event), or by
            // a voice webhook of the earlier shape, whose instance waits for it.
            await client.RaiseEventAsync(instanceId, CallWorkflowNames.CallEndedEvent, ended, ct);
        }

        known.Add(instanceId);
    }
}
