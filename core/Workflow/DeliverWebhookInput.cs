namespace CallCenter.Core.Workflow;

/// <summary>One attempt of a delivery; <paramref name="Last"/> when no retry would start within the delivery's 24 hours.</summary>
public sealed record DeliverWebhookInput(string TenantId, string DeliveryId, int Attempt, bool Last);
