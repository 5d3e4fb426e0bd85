using CallCenter.Core.Webhooks;

namespace CallCenter.Core.Workflow;

public sealed record WebhookDeliveryInput(string TenantId, string DeliveryId, WebhookDeliveryTimings Timings);
