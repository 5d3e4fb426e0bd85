namespace CallCenter.Core.WhatsApp;

/// <summary>The conversation to answer and the tool rounds run so far for this reply (none on the first request).</summary>
public sealed record WhatsAppReplyDraft(WhatsAppMessageRef Message, IReadOnlyList<WhatsAppMessage> History, IReadOnlyList<WhatsAppToolRound>? Rounds = null);
