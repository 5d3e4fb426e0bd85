namespace CallCenter.Bench.WebhookLatency;

/// <summary>The webhooks of a call, in the order Twilio sends them.</summary>
internal enum WebhookKind
{
    Voice,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Recording,
}

/// <summary>
/// One webhook sent: its call (and the call's trace id, which the bench sends as <c>traceparent</c>), its own token
/// (sent in <c>tracestate</c>), when it was
/// due, sent and answered (UTC, to match Azurite's log), and its latency from the due time (open loop).
/// </summary>
internal sealed record WebhookRecord(int Call, string TraceId, string Token, WebhookKind Kind, DateTime Sent, DateTime Answered, double LatencyMs, bool Ok)
{
    public static string Name(WebhookKind kind) => kind switch
    {
        WebhookKind.Voice => "voice",
        WebhookKind.Initiated => "status initiated",
        WebhookKind.Ringing => "status ringing",
        WebhookKind.InProgress => "status in-progress",
        WebhookKind.Completed => "status completed",
        _ => "recording",
    };
}
