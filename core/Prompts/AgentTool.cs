namespace CallCenter.Core.Prompts;

/// <summary>A function the model may call; <see cref="ParametersJsonSchema"/> is a JSON Schema object.</summary>
public sealed record AgentTool(string Name, string Description, string ParametersJsonSchema);
