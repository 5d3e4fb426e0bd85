namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>The body of <c>/healthz</c> and <c>/readyz</c>: <c>{"status":"ok"}</c>.</summary>
public sealed record BridgeStatus(string Status);
