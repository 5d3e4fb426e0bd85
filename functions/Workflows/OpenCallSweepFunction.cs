using CallCenter.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Workflows;

/// <summary>
/// The open-call sweep every 5 minutes: starts the workflow of a call whose recording never came or whose end was
/// never reported (<see cref="OpenCallSweeper"/>). A missed run is caught up by the next, which finds the same rows.
/// </summary>
public sealed class OpenCallSweepFunction(OpenCallSweeper sweeper)
{
    [Function("SweepOpenCalls")]
    public Task RunAsync([TimerTrigger("0 */5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        sweeper.SweepAsync(client, ct);
}
