namespace CallCenter.Core.WhatsApp;

/// <summary>A stored inbound message as the reply workflow names it.</summary>
public sealed record WhatsAppMessageRef(string TenantId, string ConversationId, string MessageRow, WhatsAppProvider Provider, string Phone);
