using CallCenter.Core.Webhooks;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Core.Workflow;

/// <summary>
/// One event to one endpoint: attempts with exponential backoff on durable timers until a 2xx, or until no
/// further attempt would start within <see cref="WebhookDeliveryTimings.GiveUpAfter"/>. It runs apart from the
/// call's workflow, which only starts it, so a failing endpoint never holds up or fails a call.
/// </summary>
public static class WebhookDeliveryWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<WebhookDeliveryInput, WebhookDeliveryStatus>(
        WebhookDeliveryNames.Orchestration, RunAsync, typeof(DeliverWebhook));

    /// <summary>Starts the delivery's workflow unless it was started before (the one start rule, <see cref="DurableStart"/>).</summary>
    public static Task<bool> StartAsync(DurableTaskClient client, WebhookDelivery delivery, WebhookDeliveryTimings timings, CancellationToken ct = default) =>
        client.StartOnceAsync(WebhookDeliveryNames.Orchestration, WebhookDeliveryNames.InstanceId(delivery.Id), new WebhookDeliveryInput(delivery.TenantId, delivery.Id, timings), ct);

    public static async Task<WebhookDeliveryStatus> RunAsync(TaskOrchestrationContext context, WebhookDeliveryInput input)
    {
        var giveUpAt = context.CurrentUtcDateTime + input.Timings.GiveUpAfter;
        for (var attempt = 1; ; attempt++)
        {
            var delay = input.Timings.DelayAfter(attempt);
            var last = context.CurrentUtcDateTime + delay > giveUpAt;
            WebhookDeliveryStatus status;
            try
            {
                status = await context.CallActivityAsync<WebhookDeliveryStatus>(nameof(DeliverWebhook), new DeliverWebhookInput(input.TenantId, input.DeliveryId, attempt, last));
            }
            catch (TaskFailedException)
            {
                // Our storage failed, not the endpoint: try again on the same schedule.
                status = last ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
            }

            if (status != WebhookDeliveryStatus.Pending)
            {
                return status;
            }

            await DurableTimers.WaitUntilAsync(context, context.CurrentUtcDateTime + delay, CancellationToken.None);
        }
    }
}
