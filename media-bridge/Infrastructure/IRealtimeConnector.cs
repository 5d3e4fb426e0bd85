namespace CallCenter.MediaBridge.Infrastructure;

public interface IRealtimeConnector
{
    Task<IRealtimeLink> ConnectAsync(CancellationToken ct);
}
