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

    protected override async Task<int> RunStepAsync(CallRef input)
    {
        var deliveries = await dispatcher.PlanCallAsync(input.TenantId, input.CallSid);
        if (deliveries.Count == 0)
        {
            return 0;
        }

        var client = Client ?? services.GetRequiredService<DurableTaskClient>();
        foreach (var delivery in deliveries)
        {
            await WebhookDeliveryWorkflow.StartAsync(client, delivery, options.Value.Timings);
        }

        return deliveries.Count;
    }
}
