namespace CallCenter.Web;

/// <summary>A WhatsApp conversation with its messages.</summary>
public sealed record ConversationDetailView(ConversationView Conversation, IReadOnlyList<WhatsAppMessageView> Messages);
