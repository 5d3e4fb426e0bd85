using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The workflow signals over a Durable Task client (the Functions binding's, or the local host's). The call's end
/// also starts the callbacks its agent asked for (<paramref name="callbacks"/>): the media bridge that ran the tool
/// has no Durable client, and an activity of the call's workflow has none in Functions either.
/// </summary>
public sealed class DurableCallWorkflowSignals(
    DurableTaskClient client, IOptions<CallWorkflowOptions> options, KnownCallWorkflows known, CallbackStore? callbacks = null) : ICallWorkflowSignals
{
    public async Task EnsureStartedAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var instanceId = CallWorkflowNames.InstanceId(callSid);
        if (known.Contains(instanceId))
        {
            return;
        }

        await client.StartOnceAsync(CallWorkflowNames.Orchestration, instanceId, new CallWorkflowInput(tenantId, callSid, options.Value.Timings), ct);
        known.Add(instanceId);
    }

    public async Task CallEndedAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct = default)
    {
        await EnsureStartedAsync(tenantId, callSid, ct);
        await client.RaiseEventAsync(CallWorkflowNames.InstanceId(callSid), CallWorkflowNames.CallEndedEvent, ended, ct);

        // On every delivery of the end, like the event: each start is once per callback, so a repeat starts nothing.
        foreach (var callback in callbacks is null ? [] : await callbacks.ListRequestedByCallAsync(tenantId, callSid, ct))
        {
            await client.StartAsync(callback, ct);
        }
    }

    public async Task RecordingAsync(string tenantId, string callSid, RecordingReady recording, CancellationToken ct = default)
    {
        await EnsureStartedAsync(tenantId, callSid, ct);
        await client.RaiseEventAsync(CallWorkflowNames.InstanceId(callSid), CallWorkflowNames.RecordingEvent, recording, ct);
    }
}
