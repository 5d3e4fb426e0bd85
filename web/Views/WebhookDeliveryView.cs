using CallCenter.Core.Webhooks;

namespace CallCenter.Web;

/// <summary>One event's delivery to one endpoint: <c>status</c> is <c>pending</c>, <c>delivered</c> or <c>failed</c>.</summary>
public sealed record WebhookDeliveryView(
    string Id, string EndpointId, string Event, string? CallId, string Status, IReadOnlyList<WebhookAttemptView> Attempts, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt)
{
    public static WebhookDeliveryView Of(WebhookDelivery d) => new(
        d.Id, d.EndpointId, d.EventType, d.CallId, d.Status.ToString().ToLowerInvariant(),
        [.. d.Attempts.OrderBy(a => a.Number).Select(a => new WebhookAttemptView(a.At, a.StatusCode, a.Error))], d.CreatedAt, d.DeliveredAt);
}
