namespace CallCenter.Core.Webhooks;

/// <summary>A URL a tenant registered for its events; its signing secret is kept apart and never read back.</summary>
public sealed record WebhookEndpoint(string TenantId, string Id, Uri Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt);
