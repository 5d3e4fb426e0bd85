namespace CallCenter.Web;

public sealed record WebhookAttemptView(DateTimeOffset At, int? StatusCode, string? Error);
