using CallCenter.Core.Webhooks;
using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>One signed post of a delivery's event to its endpoint, recorded on the delivery with the status it leads to.</summary>
public sealed class DeliverWebhook(WebhookDispatcher dispatcher) : TaskActivity<DeliverWebhookInput, WebhookDeliveryStatus>
{
    public override Task<WebhookDeliveryStatus> RunAsync(TaskActivityContext context, DeliverWebhookInput input) =>
        dispatcher.AttemptAsync(input.TenantId, input.DeliveryId, input.Attempt, input.Last);
}
