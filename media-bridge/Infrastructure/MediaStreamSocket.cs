using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// The Twilio side of a call: the WebSocket over Kestrel's upgraded connection, accepted here rather than by
/// the WebSockets middleware so that its writes pass through <see cref="CoalescingStream"/>. That lets an
/// agent media frame and its mark leave in one socket send (measured: the send and its wake-up of the peer
/// are most of the cost of a message).
/// </summary>
internal sealed class MediaStreamSocket : IDisposable
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly CoalescingStream _stream;
    private readonly HttpContext _http;

    private MediaStreamSocket(WebSocket socket, CoalescingStream stream, HttpContext http)
    {
        Socket = socket;
        _stream = stream;
        _http = http;
    }

    public WebSocket Socket { get; }

    /// <summary>
    /// Drops the connection. Aborting the WebSocket alone does not end a send that waits for a peer which
    /// stopped reading (the upgraded stream is written without a token); aborting the connection does.
    /// </summary>
    public void Abort()
    {
        Socket.Abort();
        _http.Abort();
    }

    /// <summary>
    /// Sends two text messages in one socket write: the first is held by the stream and leaves with the second.
    /// No cancellation token (it would send each frame down the WebSocket's slower path); <see cref="Abort"/>
    /// ends a send that waits.
    /// </summary>
    public async ValueTask SendTogetherAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        _stream.HoldNextWrite();
        try
        {
            await Socket.SendAsync(first, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            // The held message was never written.
            _stream.CancelHold();
            throw;
        }

        await Socket.SendAsync(second, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The RFC 6455 server handshake; the caller has checked that this is a WebSocket request.</summary>
    public static async Task<MediaStreamSocket?> AcceptAsync(HttpContext http, TimeSpan keepAlive)
    {
        var key = http.Request.Headers.SecWebSocketKey.ToString();
        Span<byte> decoded = stackalloc byte[16];
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true } || !Convert.TryFromBase64String(key, decoded, out var n) || n != 16)
        {
            return null;
        }

        var headers = http.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        var stream = new CoalescingStream(await upgrade.UpgradeAsync().ConfigureAwait(false));
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = keepAlive });
        return new MediaStreamSocket(socket, stream, http);
    }

    public void Dispose() => Socket.Dispose();

    /// <summary>
    /// Passes everything through except a held write, which is copied and sent together with the next write.
    /// The WebSocket serialises its writes, so no two writes overlap here.
    /// </summary>
    private sealed class CoalescingStream(Stream inner) : Stream
    {
        private byte[] _held = [];
        private int _heldLength;
        private bool _holdNext;

        public void HoldNextWrite() => Volatile.Write(ref _holdNext, true);

        public void CancelHold()
        {
            Volatile.Write(ref _holdNext, false);
            _heldLength = 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref _holdNext))
            {
                Volatile.Write(ref _holdNext, false);
                Append(buffer.Span);
                return ValueTask.CompletedTask;
            }

            if (_heldLength == 0)
            {
                return inner.WriteAsync(buffer, cancellationToken);
            }

            Append(buffer.Span);
            return WriteHeldAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Volatile.Read(ref _holdNext) || _heldLength > 0)
            {
                Volatile.Write(ref _holdNext, false);
                Append(buffer.AsSpan(offset, count));
                Flush();
                return;
            }

            inner.Write(buffer, offset, count);
        }

        private async ValueTask WriteHeldAsync(CancellationToken ct)
        {
            try
            {
                await inner.WriteAsync(_held.AsMemory(0, _heldLength), ct).ConfigureAwait(false);
            }
            finally
            {
                _heldLength = 0;
            }
        }

        private void Append(ReadOnlySpan<byte> data)
        {
            if (_heldLength + data.Length > _held.Length)
            {
                Array.Resize(ref _held, Math.Max(1024, (_heldLength + data.Length) * 2));
            }

            data.CopyTo(_held.AsSpan(_heldLength));
            _heldLength += data.Length;
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_heldLength > 0)
            {
                await WriteHeldAsync(cancellationToken).ConfigureAwait(false);
            }

            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public override void Flush()
        {
            if (_heldLength > 0)
            {
                inner.Write(_held, 0, _heldLength);
                _heldLength = 0;
            }

            inner.Flush();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
