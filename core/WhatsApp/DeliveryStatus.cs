namespace CallCenter.Core.WhatsApp;

/// <summary>Delivery statuses in the order they can only move forward; <see cref="Failed"/> absorbs.</summary>
public enum DeliveryStatus
{
    Received,
    Sent,
    Delivered,
    Read,
    Failed,
}
