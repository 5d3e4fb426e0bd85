using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Every stage after the waits in one activity, in <see cref="CallStages.InOrder"/>: store the recording, settle the
/// transcript, summarize, mark the call finished, record its figures, start its webhook deliveries, tell the
/// dashboards. One activity is one engine round trip instead of seven, and the call's row is read once and written
/// as few times as exactly-once allows (<see cref="CallCompleter"/>). Each stage runs in its own span; the first
/// stage that throws ends this run, which reports it instead of failing, and the workflow takes over from that stage
/// with the stages' own activities and retries (a permanent failure is not run again).
/// </summary>
public sealed class CompleteCall(CallCompleter completer, IServiceProvider services) : CallStep<CompleteCallInput, CallCompletion>
{
    /// <summary>The client that starts webhook deliveries (see <see cref="DeliverCallWebhooks.Client"/>).</summary>
    public DurableTaskClient? Client { get; set; }

    protected override Task<CallCompletion> RunStepAsync(CompleteCallInput input) =>
        completer.CompleteAsync(input, () => Client ?? services.GetRequiredService<DurableTaskClient>());
}
