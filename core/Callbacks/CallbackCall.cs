namespace CallCenter.Core.Callbacks;

/// <summary>The call a dialed callback placed: its CallSid, or why the dial failed.</summary>
public sealed record CallbackCall(string TenantId, string CallbackId, string? CallSid, string? Failure);
