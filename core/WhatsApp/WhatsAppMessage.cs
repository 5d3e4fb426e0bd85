namespace CallCenter.Core.WhatsApp;

public sealed record WhatsAppMessage(
    string Id,
    MessageDirection Direction,
    string Text,
    string? ProviderMessageId,
    DeliveryStatus Status,
    DateTimeOffset At);
