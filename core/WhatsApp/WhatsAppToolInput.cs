namespace CallCenter.Core.WhatsApp;

/// <summary>A tool call of the model, for the message whose reply asked for it.</summary>
public sealed record WhatsAppToolInput(WhatsAppMessageRef Message, WhatsAppToolCall Call);
