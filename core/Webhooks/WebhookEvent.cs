using System.Text.Json.Nodes;

namespace CallCenter.Core.Webhooks;

/// <summary>An event as receivers get it: <c>{ id, type, createdAt, data }</c>; the id is stable per call and type, so a receiver can drop repeats.</summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset CreatedAt, string? CallId, JsonObject Data)
{
    public string ToJson() => new JsonObject
    {
        ["id"] = Id,
        ["type"] = Type,
        ["createdAt"] = CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = Data.DeepClone(),
    }.ToJsonString();
}
