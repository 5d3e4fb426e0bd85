using CallCenter.Core.Webhooks;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Creates the finished call's webhook deliveries and starts one delivery workflow for each, once (instance id
/// from the delivery id, which comes from the event and endpoint), without waiting for any: delivery runs on
/// its own, so a failing endpoint never delays or fails the call.
/// </summary>
public sealed class DeliverCallWebhooks(WebhookDispatcher dispatcher, IOptions<WebhookOptions> options, IServiceProvider services) : CallStep<CallRef, int>
{
    /// <summary>
    /// The client that starts the deliveries. Functions hands one only to a binding, so its wrapper sets it;
    /// the local host's container holds one.
    /// </summary>
    public DurableTaskClient? Client { get; set; }

    protected override Task<int> RunStepAsync(CallRef input) =>
        StartAsync(dispatcher, () => Client ?? services.GetRequiredService<DurableTaskClient>(), options.Value.Timings, input);

    /// <summary>Creates the call's deliveries (each once) and starts each one's workflow (once); waits for none.</summary>
    /// <remarks>The client is asked for only when there is a delivery to start.</remarks>
    public static async Task<int> StartAsync(WebhookDispatcher dispatcher, Func<DurableTaskClient> client, WebhookDeliveryTimings timings, CallRef call) =>
        await StartEachAsync(await dispatcher.PlanCallAsync(call.TenantId, call.CallSid), client, timings);

    /// <summary>Starts each delivery's workflow, once (instance id from the delivery id); waits for none.</summary>
    public static async Task<int> StartEachAsync(IReadOnlyList<WebhookDelivery> deliveries, Func<DurableTaskClient> client, WebhookDeliveryTimings timings)
    {
        foreach (var delivery in deliveries)
        {
            await WebhookDeliveryWorkflow.StartAsync(client(), delivery, timings);
        }

        return deliveries.Count;
    }
}
