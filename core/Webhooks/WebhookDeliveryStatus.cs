namespace CallCenter.Core.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}
