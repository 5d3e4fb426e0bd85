namespace CallCenter.Core.Events;

/// <summary>Publishes call events to a tenant's dashboards (Azure Web PubSub, or its local stand-in).</summary>
public interface ILiveEvents
{
    /// <summary>Sends the events, in order, as one message to the tenant's group.</summary>
    Task PublishAsync(string tenantId, IReadOnlyList<LiveEvent> events, CancellationToken ct = default);
}
