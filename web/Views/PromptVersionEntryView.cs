namespace CallCenter.Web;

/// <summary>A version in a channel's list of prompt versions.</summary>
public sealed record PromptVersionEntryView(int Version, DateTimeOffset CreatedAt);
