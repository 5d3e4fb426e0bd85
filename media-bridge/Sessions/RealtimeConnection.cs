using System.Net.WebSockets;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The call's current OpenAI session: every send and receive goes to the link in use, which a reconnect
/// replaces; the call ends it with a close handshake bounded in time.
/// </summary>
internal sealed class RealtimeConnection(IRealtimeLink link) : IDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    private volatile IRealtimeLink _link = link;

    public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct) => _link.SendAsync(json, ct);

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken ct) => _link.ReceiveAsync(ct);

    /// <summary>From now on the new session is used; the old one is dropped.</summary>
    public void Replace(IRealtimeLink next)
    {
        var old = _link;
        _link = next;
        old.Dispose();
    }

    /// <summary>Sends the close frame and waits a moment for the server's, read by the receive loop still running.</summary>
    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await _link.CloseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // A session that is already gone, or does not answer in time, is dropped by the dispose that follows.
        }
    }

    public void Dispose() => _link.Dispose();
}
