namespace CallCenter.Web;

/// <summary>A new endpoint with its signing secret, which is shown here and on rotation only.</summary>
public sealed record WebhookCreatedView(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string Secret);
