namespace CallCenter.Core.WhatsApp;

/// <summary>A message as a provider's webhook delivered it, after the edge resolved the tenant.</summary>
public sealed record InboundWhatsApp(
    string TenantId, WhatsAppProvider Provider, string ProviderMessageId, string From, string? ContactName, string Text, DateTimeOffset SentAt);
