using CallCenter.Core.Prompts;

namespace CallCenter.Core.WhatsApp;

/// <summary>Writes the agent's next message from the built instructions and the conversation so far.</summary>
public interface IWhatsAppReplyModel
{
    Task<string> ReplyAsync(AgentInstructions instructions, IReadOnlyList<WhatsAppMessage> history, CancellationToken ct = default);
}
