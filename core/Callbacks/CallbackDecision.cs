namespace CallCenter.Core.Callbacks;

/// <summary>What a callback's time came to: its status, and the outbound request to dial when it is <c>dialed</c>.</summary>
public sealed record CallbackDecision(string Status, string? OutboundCallId, string? Reason);
