namespace CallCenter.Core.Prompts;

/// <summary>Everything a call or message needs to brief the model, built once per call or message.</summary>
public sealed record AgentInstructions(
    string Text,
    int PromptVersion,
    IReadOnlyList<AgentTool> Tools,
    string Language,
    string Voice);
