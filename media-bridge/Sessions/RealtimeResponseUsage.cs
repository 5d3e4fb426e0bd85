namespace CallCenter.MediaBridge.Sessions;

/// <summary>The <c>usage</c> of one <c>response.done</c>; input counts include their cached share.</summary>
internal readonly record struct RealtimeResponseUsage(
    long InputTextTokens, long InputAudioTokens, long CachedTextTokens, long CachedAudioTokens, long OutputTextTokens, long OutputAudioTokens);
