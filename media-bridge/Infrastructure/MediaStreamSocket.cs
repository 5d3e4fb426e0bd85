using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CallCenter.MediaBridge.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// The Twilio side of a call: RFC 6455 framing of our own over Kestrel's upgraded connection, instead of
/// <c>ManagedWebSocket</c> over the upgrade stream (measured: those layers and the hop to Kestrel's sender
/// were most of the bridge's CPU per message above the kernel's). Frames are read straight from the
/// connection's transport pipe (<see cref="WebSocketFrameReader"/>: unmasked into the session's buffer, once)
/// and written straight to the connection's socket: an agent frame and its mark leave in one send, on the
/// thread that received the audio, with no hop to Kestrel's output loop. Until the client has sent its first
/// frame, writes go through Kestrel's upgrade stream, behind the 101 response: a client sends nothing before
/// it has that response (RFC 6455 §4.1), so from its first frame on, the 101 has left and direct writes
/// cannot overtake it. Without a plain socket (TLS, another transport) everything goes through the upgrade
/// stream. Keep-alive is an unsolicited pong every <c>KeepAliveInterval</c> (§5.5.3), as <c>ManagedWebSocket</c>
/// sent it.
/// </summary>
internal sealed class MediaStreamSocket : IDisposable
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpContext _http;
    private readonly Stream _stream;
    private readonly Socket? _socket;
    private readonly PipeReader _input;
    private readonly bool _ownsInput;
    private readonly WebSocketFrameReader _frames;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ITimer? _keepAlive;
    private byte[] _send = ArrayPool<byte>.Shared.Rent(2048);
    private volatile bool _direct;
    private bool _wroteToStream;
    private int _state = (int)WebSocketState.Open;

    private MediaStreamSocket(HttpContext http, Stream stream, Socket? socket, PipeReader input, bool ownsInput, TimeSpan keepAlive)
    {
        _http = http;
        _stream = stream;
        _socket = socket;
        _input = input;
        _ownsInput = ownsInput;
        _frames = new WebSocketFrameReader(input);
        if (keepAlive > TimeSpan.Zero && keepAlive != Timeout.InfiniteTimeSpan)
        {
            _keepAlive = TimeProvider.System.CreateTimer(static s => ((MediaStreamSocket)s!).KeepAlive(), this, keepAlive, keepAlive);
        }
    }

    public WebSocketState State => (WebSocketState)Volatile.Read(ref _state);

    /// <summary>True once writes go straight to the socket (the client has spoken and nothing else was written before).</summary>
    internal bool WritesDirect => _direct;

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

        // Kestrel's connection features are reachable through the request's; a TLS connection's pipe and socket carry ciphertext.
        var transport = http.Request.IsHttps ? null : http.Features.Get<IConnectionTransportFeature>()?.Transport;
        var socket = http.Request.IsHttps ? null : http.Features.Get<IConnectionSocketFeature>()?.Socket;

        var headers = http.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        var stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
        var input = transport?.Input ?? PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        return new MediaStreamSocket(http, stream, socket, input, ownsInput: transport is null, keepAlive);
    }

    /// <summary>
    /// The next data message, into <paramref name="inbox"/>. Pings are answered and pongs ignored on the way; a
    /// close frame is answered (echoing its code) and a frame RFC 6455 refuses is answered with 1002 or 1007,
    /// and both end the stream. Completes synchronously when the message is already buffered; the audio path
    /// passes no token (a cancelable read registers on every call), <see cref="Abort"/> ends a pending read.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MediaRead> ReceiveAsync(TwilioMessageBuffer inbox, CancellationToken ct = default)
    {
        while (true)
        {
            FrameRead? frame;
            try
            {
                if (!_input.TryRead(out var result))
                {
                    result = await _input.ReadAsync(ct).ConfigureAwait(false);
                }

                while (true)
                {
                    // Kestrel cancels the transport's pending read when it stops taking requests (shutdown); an
                    // upgraded connection reads on, as Kestrel's own upgrade stream does. Only our Abort ends it.
                    if (result.IsCanceled && State == WebSocketState.Aborted)
                    {
                        _input.AdvanceTo(result.Buffer.Start);
                        return MediaRead.Closed;
                    }

                    frame = _frames.Read(result, inbox);
                    if (frame is not null)
                    {
                        break;
                    }

                    result = await _input.ReadAsync(ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is OperationCanceledException or IOException or ConnectionAbortedException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
            {
                // The connection was dropped (or aborted by us) under the read.
                Volatile.Write(ref _state, (int)WebSocketState.Aborted);
                return MediaRead.Closed;
            }

            if (!_direct && !_wroteToStream && frame is not (FrameRead.Invalid or FrameRead.Ended))
            {
                TryWriteDirect();
            }

            switch (frame)
            {
                case FrameRead.Message:
                    return MediaRead.Message;
                case FrameRead.TooBig:
                    return MediaRead.TooBig;
                case FrameRead.Ping:
                    if (!await TrySendControlAsync(WebSocketFrames.Pong, _frames.ControlPayload).ConfigureAwait(false))
                    {
                        return MediaRead.Closed;
                    }

                    break;
                case FrameRead.Close:
                    await AnswerCloseAsync().ConfigureAwait(false);
                    return MediaRead.Closed;
                case FrameRead.Invalid:
                    await CloseAsync(_frames.FailStatus, _frames.FailReason).ConfigureAwait(false);
                    return MediaRead.Closed;
                case FrameRead.Ended:
                    Volatile.Write(ref _state, (int)WebSocketState.Aborted);
                    return MediaRead.Closed;
            }
        }
    }

    /// <summary>One text message. No cancellation token; <see cref="Abort"/> ends a send that waits.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> text) => SendTogetherAsync(text, ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// Two text messages in one socket write (<paramref name="second"/> may be empty: then one). No cancellation
    /// token; <see cref="Abort"/> ends a send that waits for a peer which stopped reading.
    /// </summary>
    public ValueTask SendTogetherAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        if (!_sendLock.Wait(0))
        {
            return SendTogetherLockedAsync(first, second);
        }

        ValueTask write;
        try
        {
            write = WriteFrames(first.Span, second.Span);
        }
        catch
        {
            _sendLock.Release();
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            _sendLock.Release();
            return ValueTask.CompletedTask;
        }

        return ReleaseAfterAsync(write);
    }

    /// <summary>
    /// Sends our close frame, waiting at most two seconds (a peer that is gone or no longer reads must not hold
    /// the caller; the connection is dropped then); nothing when a close was already sent or the socket is gone.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string? reason)
    {
        if (State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        var payload = ClosePayload(status, reason);
        if (!await _sendLock.WaitAsync(CloseTimeout).ConfigureAwait(false))
        {
            Abort();
            return;
        }

        try
        {
            var state = State;
            if (state is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            Volatile.Write(ref _state, (int)(state == WebSocketState.Open ? WebSocketState.CloseSent : WebSocketState.Closed));
            await WriteControl(WebSocketFrames.Close, payload).AsTask().WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abort();
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Drops the connection: a pending read ends, and so does a send that waits for a peer which stopped
    /// reading (the socket is written without a token); closing the WebSocket alone would not end that send.
    /// </summary>
    public void Abort()
    {
        Volatile.Write(ref _state, (int)WebSocketState.Aborted);
        try
        {
            _input.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
        }

        _http.Abort();
    }

    public void Dispose()
    {
        _keepAlive?.Dispose();
        if (_sendLock.Wait(0))
        {
            // A send still pending on a dropped connection keeps its buffer; the collector takes that one.
            ArrayPool<byte>.Shared.Return(_send);
            _send = [];
        }

        if (_ownsInput)
        {
            _input.Complete();
        }
    }

    /// <summary>The code, then the reason as UTF-8 cut to the 123 bytes a control frame has room for, never mid-character.</summary>
    private static byte[] ClosePayload(WebSocketCloseStatus status, string? reason)
    {
        var text = Encoding.UTF8.GetBytes(reason ?? "");
        var length = text.Length;
        if (length > WebSocketFrames.MaxControlPayload - 2)
        {
            length = WebSocketFrames.MaxControlPayload - 2;
            while (length > 0 && (text[length] & 0xC0) == 0x80)
            {
                length--;
            }
        }

        var payload = new byte[2 + length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        text.AsSpan(0, length).CopyTo(payload.AsSpan(2));
        return payload;
    }

    /// <summary>The client's close frame: answered with its own code (RFC 6455 §5.5.1) unless we closed first.</summary>
    private async Task AnswerCloseAsync()
    {
        if (State == WebSocketState.Open)
        {
            Volatile.Write(ref _state, (int)WebSocketState.CloseReceived);
            var payload = _frames.ControlPayload;
            await CloseAsync(payload.Length >= 2 ? (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload.Span) : WebSocketCloseStatus.NormalClosure, null)
                .ConfigureAwait(false);
        }

        Volatile.Write(ref _state, (int)WebSocketState.Closed);
    }

    /// <summary>From the client's first frame on, writes go to the socket; not if anything went through the stream first.</summary>
    private void TryWriteDirect()
    {
        if (_socket is null || !_sendLock.Wait(0))
        {
            return;
        }

        _direct = !_wroteToStream;
        _sendLock.Release();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendTogetherLockedAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteFrames(first.Span, second.Span).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>A pong (or any control frame) when the socket is open; false when it could not be sent.</summary>
    private async ValueTask<bool> TrySendControlAsync(byte opcode, ReadOnlyMemory<byte> payload)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return true;
            }

            await WriteControl(opcode, payload.Span).ConfigureAwait(false);
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void KeepAlive()
    {
        if (State != WebSocketState.Open || !_sendLock.Wait(0))
        {
            return;
        }

        try
        {
            var write = WriteControl(WebSocketFrames.Pong, []);
            if (!write.IsCompletedSuccessfully)
            {
                _ = ReleaseQuietlyAfterAsync(write);
                return;
            }

            write.GetAwaiter().GetResult();
        }
        catch (WebSocketException)
        {
        }

        _sendLock.Release();
    }

    private async Task ReleaseQuietlyAfterAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Frames one or two text messages into the send buffer and writes them; the caller holds the send lock.</summary>
    private ValueTask WriteFrames(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        if (State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            throw new WebSocketException(WebSocketError.InvalidState, $"The Twilio socket is {State}.");
        }

        var buffer = Reserve(2 * WebSocketFrames.MaxServerHeader + first.Length + second.Length);
        var p = WebSocketFrames.WriteHeader(buffer, WebSocketFrames.Text, first.Length);
        first.CopyTo(buffer[p..]);
        p += first.Length;
        if (!second.IsEmpty)
        {
            p += WebSocketFrames.WriteHeader(buffer[p..], WebSocketFrames.Text, second.Length);
            second.CopyTo(buffer[p..]);
            p += second.Length;
        }

        return Write(_send.AsMemory(0, p));
    }

    private ValueTask WriteControl(byte opcode, ReadOnlySpan<byte> payload)
    {
        var buffer = Reserve(2 + payload.Length);
        var p = WebSocketFrames.WriteHeader(buffer, opcode, payload.Length);
        payload.CopyTo(buffer[p..]);
        return Write(_send.AsMemory(0, p + payload.Length));
    }

    private Span<byte> Reserve(int bytes)
    {
        if (bytes > _send.Length)
        {
            ArrayPool<byte>.Shared.Return(_send);
            _send = ArrayPool<byte>.Shared.Rent(bytes);
        }

        return _send;
    }

    /// <summary>One write of whole frames: to the socket once direct, else through Kestrel's upgrade stream.</summary>
    private ValueTask Write(ReadOnlyMemory<byte> frames)
    {
        try
        {
            if (_direct)
            {
                var sent = _socket!.SendAsync(frames, SocketFlags.None);
                if (sent.IsCompletedSuccessfully)
                {
                    sent.GetAwaiter().GetResult();
                    return ValueTask.CompletedTask;
                }

                return AwaitSendAsync(sent);
            }

            _wroteToStream = true;
            var written = _stream.WriteAsync(frames);
            return written.IsCompletedSuccessfully ? written : AwaitWriteAsync(written);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            throw Dropped(e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitSendAsync(ValueTask<int> sent)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            throw Dropped(e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitWriteAsync(ValueTask written)
    {
        try
        {
            await written.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            throw Dropped(e);
        }
    }

    private static WebSocketException Dropped(Exception e) => new(WebSocketError.ConnectionClosedPrematurely, e);
}
