using CallCenter.Core.WhatsApp;

namespace CallCenter.Web;

/// <summary>One message of a WhatsApp conversation, with its delivery status.</summary>
public sealed record WhatsAppMessageView(string Id, string Direction, string Text, string? ProviderMessageId, string Status, DateTimeOffset At)
{
    public static WhatsAppMessageView Of(WhatsAppMessage m) =>
        new(m.Id, m.Direction.ToString().ToLowerInvariant(), m.Text, m.ProviderMessageId, m.Status.ToString().ToLowerInvariant(), m.At);
}
