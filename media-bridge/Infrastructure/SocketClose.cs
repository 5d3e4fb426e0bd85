using System.Net.WebSockets;

namespace CallCenter.MediaBridge.Infrastructure;

internal static class SocketClose
{
    /// <summary>
    /// Sends our close frame, waiting at most two seconds: a peer that is gone or no longer reads must not
    /// hold the caller, and a socket already closing is left as it is.
    /// </summary>
    public static async Task QuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string? reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
