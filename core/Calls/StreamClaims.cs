namespace CallCenter.Core.Calls;

/// <summary>What the Functions app tells the bridge about a call, signed so the bridge can trust it.</summary>
public sealed record StreamClaims(string TenantId, string CallSid, CallDirection Direction, DateTimeOffset ExpiresAt);
