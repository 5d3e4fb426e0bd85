using CallCenter.Core.Prompts;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// One model request of the reply: the built instructions (with the channel's tools), the conversation, the tool
/// rounds so far, the contact's local time (so "tomorrow at 9" can become a date), and whether tools may still be called.
/// </summary>
public sealed record WhatsAppModelRequest(
    AgentInstructions Instructions,
    IReadOnlyList<WhatsAppMessage> History,
    IReadOnlyList<WhatsAppToolRound> Rounds,
    DateTimeOffset LocalNow,
    bool ToolsAllowed);
