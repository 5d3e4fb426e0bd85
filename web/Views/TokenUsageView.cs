using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>The tokens of one OpenAI request of the workflow (zeros when it made none).</summary>
public sealed record TokenUsageView(long InputTokens, long OutputTokens)
{
    public static TokenUsageView Of(ModelUsage? u) => new(u?.InputTokens ?? 0, u?.OutputTokens ?? 0);
}
