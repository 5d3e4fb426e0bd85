using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The one start rule of both hosts: an instance id is started at most once. An instance that exists in any
/// state, live or finished, counts as started and is never replaced, so a late, replayed or duplicated
/// callback cannot run a call's or a message's workflow again.
/// </summary>
public static class DurableStart
{
    // Every state, so a start racing another start is refused by the backend as well.
    private static readonly IReadOnlyList<string> AnyState = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <returns>
    /// False when the instance existed already. True when this call scheduled it; starts racing each other
    /// before the instance exists may each get true, and the engine still runs one execution, with the input of
    /// one of them.
    /// </returns>
    public static async Task<bool> StartOnceAsync(this DurableTaskClient client, TaskName orchestration, string instanceId, object input, CancellationToken ct = default) =>
        (await client.StartOrFindAsync(orchestration, instanceId, input, getInputs: false, ct)).Started;

    /// <summary>
    /// <see cref="StartOnceAsync"/>, also giving the instance it found started (with its input when
    /// <paramref name="getInputs"/>), from the same read: null when this call started it, or when the backend
    /// refused a start racing another.
    /// </summary>
    public static async Task<(bool Started, OrchestrationMetadata? Found)> StartOrFindAsync(
        this DurableTaskClient client, TaskName orchestration, string instanceId, object input, bool getInputs, CancellationToken ct = default)
    {
        // Asked first rather than left to the backend: on Functions the extension merges a start's dedupe
        // statuses with host.json's overridable states (and older versions ignore them), so only this check
        // keeps a finished instance from being replaced whatever the host is configured to allow.
        if (await client.GetInstanceAsync(instanceId, getInputs, ct) is { } found)
        {
            return (false, found);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestration, input, new StartOrchestrationOptions(instanceId) { DedupeStatuses = AnyState }, ct);
            return (true, null);
        }
        catch (Exception e) when (IsAlreadyExists(e))
        {
            return (false, null);
        }
    }

    // Backends report a refused duplicate start differently: DTFx's exception, or gRPC's AlreadyExists.
    private static bool IsAlreadyExists(Exception e) =>
        e.GetType().Name == "OrchestrationAlreadyExistsException"
        || (e.GetType().Name == "RpcException" && e.Message.Contains("StatusCode=\"AlreadyExists\"", StringComparison.Ordinal))
        || e.InnerException is { } inner && IsAlreadyExists(inner);
}
