namespace CallCenter.Core.Calls;

/// <summary>A call webhook's fields, validated.</summary>
public sealed record CallWebhookFields(string CallSid, string From, string To, CallDirection Direction, CallStatus? Status, DateTimeOffset At);
