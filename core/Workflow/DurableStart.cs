using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Core.Workflow;

/// <summary>Starts an orchestration instance once: a repeated start of the same instance id is a no-op.</summary>
public static class DurableStart
{
    // Every status: an existing instance, live or finished, is never replaced by a repeated start.
    private static readonly IReadOnlyList<string> NeverReplace = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <summary>True when this call started the instance, false when it existed already.</summary>
    public static async Task<bool> StartOnceAsync<TInput>(
        this DurableTaskClient client, TaskName orchestration, string instanceId, TInput input, CancellationToken ct = default)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                orchestration, input, new StartOrchestrationOptions(instanceId) { DedupeStatuses = NeverReplace }, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsAlreadyExists(e))
        {
            return false;
        }
    }

    // Backends report a refused duplicate start differently: DTFx's exception, or gRPC's AlreadyExists.
    private static bool IsAlreadyExists(Exception e) =>
        e.GetType().Name == "OrchestrationAlreadyExistsException"
        || (e.GetType().Name == "RpcException" && e.Message.Contains("StatusCode=\"AlreadyExists\"", StringComparison.Ordinal))
        || e.InnerException is { } inner && IsAlreadyExists(inner);
}
