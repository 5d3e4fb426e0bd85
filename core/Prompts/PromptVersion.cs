namespace CallCenter.Core.Prompts;

/// <summary>One saved version of a tenant's prompt for a channel; never changed once written.</summary>
public sealed record PromptVersion(
    string TenantId, PromptChannel Channel, int Version, string Instructions, string? BusinessFacts, DateTimeOffset CreatedAt);
