namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>One OpenAI Realtime session of one call, as raw GA JSON events in and out.</summary>
public interface IRealtimeLink : IDisposable
{
    Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct);

    IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken ct);

    /// <summary>
    /// Ends the session with a WebSocket close handshake: sends a close frame and waits (within
    /// <paramref name="ct"/>) for the server's, which the receive loop reads.
    /// </summary>
    Task CloseAsync(CancellationToken ct);
}
