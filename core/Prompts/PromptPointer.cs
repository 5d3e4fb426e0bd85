namespace CallCenter.Core.Prompts;

/// <summary>Which version is used, and the highest one written.</summary>
public sealed record PromptPointer(int Current, int Latest);
