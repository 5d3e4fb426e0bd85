namespace CallCenter.Core.WhatsApp;

public sealed record WhatsAppReplyInput(WhatsAppMessageRef Message);
