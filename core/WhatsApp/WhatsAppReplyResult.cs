namespace CallCenter.Core.WhatsApp;

public sealed record WhatsAppReplyResult(string ProviderMessageId);
