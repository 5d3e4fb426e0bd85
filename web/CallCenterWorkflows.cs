using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;

namespace CallCenter.Web;

/// <summary>Every durable workflow of the product: the list the local engine registers and the Functions app's wrappers are held to.</summary>
public static class CallCenterWorkflows
{
    public static IReadOnlyList<DurableWorkflow> All { get; } = [CallWorkflow.Durable, OutboundCallWorkflow.Durable, WhatsAppWorkflow.Durable, WebhookDeliveryWorkflow.Durable, CallbackWorkflow.Durable];
}
