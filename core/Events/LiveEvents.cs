using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallCenter.Core.Events;

[JsonConverter(typeof(JsonStringEnumConverter<LiveEventKind>))]
public enum LiveEventKind
{
    /// <summary>The bridge connected the caller to the agent.</summary>
    CallStarted,

    /// <summary>One utterance of the caller or the agent.</summary>
    Transcript,

    /// <summary>The media stream closed.</summary>
    CallEnded,

    /// <summary>The call's workflow is done: recording, transcript and summary are in the CRM.</summary>
    CallFinished,
}

/// <summary>What a dashboard sees of a call. Small on purpose: it crosses the wire per utterance.</summary>
public sealed record LiveEvent(string CallSid, LiveEventKind Kind, string? Role, string? Text, int Sequence, DateTimeOffset At);

/// <summary>Publishes call events to a tenant's dashboards (Azure Web PubSub, or its local stand-in).</summary>
public interface ILiveEvents
{
    /// <summary>Sends the events, in order, as one message to the tenant's group.</summary>
    Task PublishAsync(string tenantId, IReadOnlyList<LiveEvent> events, CancellationToken ct = default);
}

/// <summary>Hands a dashboard the URL it opens a WebSocket on to receive one tenant's events.</summary>
public interface ILiveEventsNegotiation
{
    Task<Uri> ClientUrlAsync(string tenantId, CancellationToken ct = default);
}

/// <summary>The wire form shared by the publisher, the stand-in and the dashboard.</summary>
public static class LiveEventWire
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Each tenant's dashboards join one group; tenant ids are lowercase letters, digits and dashes.</summary>
    public static string Group(string tenantId) => "tenant-" + tenantId;

    public static byte[] Serialize(IReadOnlyList<LiveEvent> events) => JsonSerializer.SerializeToUtf8Bytes(events, Json);
}
