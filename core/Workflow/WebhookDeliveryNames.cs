namespace CallCenter.Core.Workflow;

/// <summary>The webhook delivery workflow's names and its one instance per delivery.</summary>
public static class WebhookDeliveryNames
{
    public const string Orchestration = "WebhookDelivery";

    /// <summary>From the delivery id, itself derived from the event and endpoint: a repeated start starts nothing.</summary>
    public static string InstanceId(string deliveryId) => "webhook-" + deliveryId;
}
