namespace CallCenter.Core.WhatsApp;

/// <summary>One contact's thread with a tenant; the id derives from the contact's number.</summary>
public sealed record WhatsAppConversation(
    string TenantId, string Id, string Phone, string? ContactName, WhatsAppProvider Provider, DateTimeOffset CreatedAt, DateTimeOffset LastMessageAt);
