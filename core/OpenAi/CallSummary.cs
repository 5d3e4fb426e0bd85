using System.Text.Json.Serialization;
using CallCenter.Core.Calls;

namespace CallCenter.Core.OpenAi;

/// <summary>What the model extracts from a finished call.</summary>
public sealed record CallSummary(
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("caller_intent")] string CallerIntent,
    [property: JsonPropertyName("lead_name")] string? LeadName,
    [property: JsonPropertyName("lead_status")] string? LeadStatus,
    [property: JsonPropertyName("follow_up")] string? FollowUp)
{
    /// <summary>What the chat request used; not part of the model's answer.</summary>
    [JsonIgnore]
    public ModelUsage? Usage { get; init; }
}
