using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Durable timers that never wake early.</summary>
public static class DurableTimers
{
    /// <summary>
    /// A durable timer to <paramref name="at"/>, set again while the episode it wakes starts before that: the
    /// storage backend's timer messages may become visible up to a second early (their delay is whole seconds), and
    /// a callback must not ring early nor a retry come before its backoff.
    /// </summary>
    public static async Task WaitUntilAsync(TaskOrchestrationContext context, DateTime at, CancellationToken ct)
    {
        do
        {
            await context.CreateTimer(at, ct);
        }
        while (context.CurrentUtcDateTime < at);
    }
}
