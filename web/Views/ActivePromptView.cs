namespace CallCenter.Web;

/// <summary>The version a channel now uses.</summary>
public sealed record ActivePromptView(string Channel, int CurrentVersion);
