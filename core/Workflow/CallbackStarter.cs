using CallCenter.Core.Callbacks;
using Microsoft.DurableTask.Client;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Starts a callback's orchestration under the start-once rule (its instance id is the callback's, so a repeated
/// request or end-of-call signal starts nothing new), and tells it of a cancel.
/// </summary>
public static class CallbackStarter
{
    public static Task<bool> StartAsync(this DurableTaskClient client, Callback callback, CancellationToken ct = default) =>
        client.StartOnceAsync(
            CallbackWorkflowNames.Orchestration,
            CallbackWorkflowNames.InstanceId(callback.Id),
            new CallbackRef(callback.TenantId, callback.Id, callback.ScheduledFor),
            ct);

    /// <summary>Ends a waiting orchestration at once; one that is not waiting any more ignores the event.</summary>
    public static async Task SignalCancelledAsync(this DurableTaskClient client, Callback callback, CancellationToken ct = default)
    {
        var instanceId = CallbackWorkflowNames.InstanceId(callback.Id);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
        {
            await client.RaiseEventAsync(instanceId, CallbackWorkflowNames.CancelledEvent, true, ct);
        }
    }
}
