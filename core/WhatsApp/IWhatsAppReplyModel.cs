namespace CallCenter.Core.WhatsApp;

/// <summary>
/// Writes the agent's next message from the built instructions and the conversation so far, or asks for the
/// channel's tools to run first (the tool-call round trip of the chat API).
/// </summary>
public interface IWhatsAppReplyModel
{
    Task<WhatsAppModelTurn> ReplyAsync(WhatsAppModelRequest request, CancellationToken ct = default);
}
