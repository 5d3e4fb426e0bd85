namespace CallCenter.Core.Calls;

/// <summary>
/// The OpenAI Realtime tokens of a call, summed over every <c>response.done</c> of its sessions. Input counts
/// include their cached share, as OpenAI reports them.
/// </summary>
public sealed record RealtimeUsage(
    string? Model,
    long InputTextTokens,
    long InputAudioTokens,
    long CachedTextTokens,
    long CachedAudioTokens,
    long OutputTextTokens,
    long OutputAudioTokens);
