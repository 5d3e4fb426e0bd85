namespace CallCenter.Core.Events;

/// <summary>Hands a dashboard the URL it opens a WebSocket on to receive one tenant's events.</summary>
public interface ILiveEventsNegotiation
{
    Task<Uri> ClientUrlAsync(string tenantId, CancellationToken ct = default);
}
