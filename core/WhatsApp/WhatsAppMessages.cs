namespace CallCenter.Core.WhatsApp;

public enum WhatsAppProvider
{
    Meta,
    Twilio,
}

public enum MessageDirection
{
    Inbound,
    Outbound,
}

/// <summary>Delivery statuses in the order they can only move forward; <see cref="Failed"/> absorbs.</summary>
public enum DeliveryStatus
{
    Received,
    Sent,
    Delivered,
    Read,
    Failed,
}

/// <summary>A message as a provider's webhook delivered it, after the edge resolved the tenant.</summary>
public sealed record InboundWhatsApp(
    string TenantId, WhatsAppProvider Provider, string ProviderMessageId, string From, string? ContactName, string Text, DateTimeOffset SentAt);

/// <summary>One contact's thread with a tenant; the id derives from the contact's number.</summary>
public sealed record WhatsAppConversation(
    string TenantId, string Id, string Phone, string? ContactName, WhatsAppProvider Provider, DateTimeOffset CreatedAt, DateTimeOffset LastMessageAt);

public sealed record WhatsAppMessage(
    string Id,
    MessageDirection Direction,
    string Text,
    string? ProviderMessageId,
    DeliveryStatus Status,
    DateTimeOffset At);

public static class DeliveryStatuses
{
    /// <summary>Maps Meta's and Twilio's status words; null for words that change nothing (queued, accepted).</summary>
    public static DeliveryStatus? Parse(string? wire) => wire?.ToLowerInvariant() switch
    {
        "sent" => DeliveryStatus.Sent,
        "delivered" => DeliveryStatus.Delivered,
        "read" => DeliveryStatus.Read,
        "failed" or "undelivered" => DeliveryStatus.Failed,
        _ => null,
    };

    /// <summary>Only forward: a late "sent" after "read" changes nothing, and nothing follows a failure.</summary>
    public static DeliveryStatus Advance(DeliveryStatus current, DeliveryStatus next) =>
        current == DeliveryStatus.Failed || next <= current ? current : next;
}
