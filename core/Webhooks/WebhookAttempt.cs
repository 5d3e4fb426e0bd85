namespace CallCenter.Core.Webhooks;

/// <summary>One request of a delivery: when, the endpoint's status code (none when it was not reached) and what went wrong.</summary>
public sealed record WebhookAttempt(int Number, DateTimeOffset At, int? StatusCode, string? Error);
