namespace CallCenter.Core.WhatsApp;

public sealed record WhatsAppReplyDraft(WhatsAppMessageRef Message, IReadOnlyList<WhatsAppMessage> History);
