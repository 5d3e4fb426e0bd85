namespace CallCenter.Core.Prompts;

/// <summary>The functions the agent may call, per kind of conversation. Static: tools change with code, not data.</summary>
public static class AgentTools
{
    public static AgentTool UpdateLead { get; } = new(
        "update_lead",
        "Record what the contact told you about themselves: their name, their interest, and how qualified they are.",
        """
        {"type":"object","additionalProperties":false,"properties":{"name":{"type":"string"},"status":{"type":"string","enum":["new","contacted","qualified","customer","lost"]},"notes":{"type":"string"}}}
        """);

    public static AgentTool EndCall { get; } = new(
        "end_call",
        "Hang up once the conversation is over and you have said goodbye.",
        """
        {"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string"}}}
        """);

    public static IReadOnlyList<AgentTool> Voice { get; } = [UpdateLead, EndCall];

    public static IReadOnlyList<AgentTool> WhatsApp { get; } = [UpdateLead];

    public static IReadOnlyList<AgentTool> For(PromptChannel channel) => channel == PromptChannel.WhatsApp ? WhatsApp : Voice;
}
