namespace CallCenter.Core.WhatsApp;

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
