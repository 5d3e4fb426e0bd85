namespace CallCenter.Core.Webhooks;

/// <summary>One event on its way to one endpoint, with every attempt made; a redelivery is a new delivery of the same event.</summary>
public sealed record WebhookDelivery
{
    public required string TenantId { get; init; }
    public required string Id { get; init; }
    public required string EndpointId { get; init; }
    public required string EventId { get; init; }
    public required string EventType { get; init; }
    public string? CallId { get; init; }

    /// <summary>The event's JSON exactly as signed and sent, so a redelivery sends the same bytes.</summary>
    public required string Payload { get; init; }
    public WebhookDeliveryStatus Status { get; init; }
    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
}
