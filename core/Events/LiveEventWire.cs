using System.Text.Json;

namespace CallCenter.Core.Events;

/// <summary>The wire form shared by the publisher, the stand-in and the dashboard.</summary>
public static class LiveEventWire
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Each tenant's dashboards join one group; tenant ids are lowercase letters, digits and dashes.</summary>
    public static string Group(string tenantId) => "tenant-" + tenantId;

    public static byte[] Serialize(IReadOnlyList<LiveEvent> events) => JsonSerializer.SerializeToUtf8Bytes(events, LiveEventJsonContext.Default.IReadOnlyListLiveEvent);
}
