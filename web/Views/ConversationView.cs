using CallCenter.Core.WhatsApp;

namespace CallCenter.Web;

/// <summary>A WhatsApp conversation as listed, and at the head of its detail.</summary>
public sealed record ConversationView(string Id, string Phone, string? ContactName, string Provider, DateTimeOffset CreatedAt, DateTimeOffset LastMessageAt)
{
    public static ConversationView Of(WhatsAppConversation c) =>
        new(c.Id, c.Phone, c.ContactName, c.Provider.ToString().ToLowerInvariant(), c.CreatedAt, c.LastMessageAt);
}
