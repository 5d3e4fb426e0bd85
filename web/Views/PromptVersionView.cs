using CallCenter.Core.Prompts;

namespace CallCenter.Web;

/// <summary>One version of a channel's prompt.</summary>
public sealed record PromptVersionView(string Channel, int Version, string Instructions, string? BusinessFacts, DateTimeOffset CreatedAt)
{
    public static PromptVersionView Of(PromptVersion v) => new(v.Channel.ToWire(), v.Version, v.Instructions, v.BusinessFacts, v.CreatedAt);
}
