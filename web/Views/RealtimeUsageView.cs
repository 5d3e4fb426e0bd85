using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>OpenAI Realtime tokens of a call; the input counts include the cached ones.</summary>
public sealed record RealtimeUsageView(long InputTextTokens, long InputAudioTokens, long CachedInputTokens, long OutputTextTokens, long OutputAudioTokens)
{
    public static RealtimeUsageView Of(RealtimeUsage? u) => u is null
        ? new(0, 0, 0, 0, 0)
        : new(u.InputTextTokens, u.InputAudioTokens, u.CachedTextTokens + u.CachedAudioTokens, u.OutputTextTokens, u.OutputAudioTokens);
}
