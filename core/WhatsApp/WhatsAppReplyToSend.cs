namespace CallCenter.Core.WhatsApp;

public sealed record WhatsAppReplyToSend(WhatsAppMessageRef Message, string Text);
