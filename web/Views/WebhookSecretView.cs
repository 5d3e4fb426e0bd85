namespace CallCenter.Web;

/// <summary>An endpoint's new signing secret after a rotation; the previous one signs too for the grace period.</summary>
public sealed record WebhookSecretView(string Id, string Secret);
