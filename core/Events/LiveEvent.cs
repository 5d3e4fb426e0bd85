namespace CallCenter.Core.Events;

/// <summary>What a dashboard sees of a call. Small on purpose: it crosses the wire per utterance.</summary>
public sealed record LiveEvent(string CallSid, LiveEventKind Kind, string? Role, string? Text, int Sequence, DateTimeOffset At);
