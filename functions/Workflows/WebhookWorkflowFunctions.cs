using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallCenter.Functions.Workflows;

/// <summary>The webhook delivery workflow as Durable Functions: its orchestrator and its one activity.</summary>
public static class WebhookWorkflowFunctions
{
    [Function(WebhookDeliveryNames.Orchestration)]
    public static Task<WebhookDeliveryStatus> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        WebhookDeliveryWorkflow.RunAsync(context, context.GetInput<WebhookDeliveryInput>()!);

    [Function(nameof(DeliverWebhook))]
    public static Task<WebhookDeliveryStatus> Deliver([ActivityTrigger] DeliverWebhookInput input, string instanceId, FunctionContext function) =>
        function.RunAsync<DeliverWebhook, DeliverWebhookInput, WebhookDeliveryStatus>(input, instanceId);
}
