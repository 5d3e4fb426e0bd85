namespace CallCenter.Web;

/// <summary>A channel's prompt: the current version (0, and none, before the first) and every version.</summary>
public sealed record PromptView(string Channel, int CurrentVersion, PromptVersionView? Current, IReadOnlyList<PromptVersionEntryView> Versions);
