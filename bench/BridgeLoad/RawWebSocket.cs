using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// One RFC 6455 connection on a plain socket, for the load generator only: the generator must drive a
/// thousand calls from one core, which Kestrel and ClientWebSocket cannot. A frame is built in place and
/// sent with one syscall; received frames are parsed straight from the receive buffer, on the <see cref="EpollLoop"/> thread.
/// </summary>
internal abstract class RawWebSocket : IDisposable
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly bool _maskOutgoing;
    private readonly object _sendLock = new();
    private byte[] _backlog = [];
    private int _backlogLength;
    private byte[] _receive = new byte[16384];
    private int _filled;
    private byte[] _fragments = [];
    private int _fragmentLength;
    private int _closed;
    private long _epollKey;

    protected RawWebSocket(Socket socket, bool client)
    {
        Socket = socket;
        _maskOutgoing = client;
        socket.NoDelay = true;
        socket.Blocking = false;
    }

    protected Socket Socket { get; }

    /// <summary>Completes when the peer has closed (close frame or end of stream).</summary>
    public Task Closed => _closedTcs.Task;

    private readonly TaskCompletionSource _closedTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A complete text message; the span is valid only during the call.</summary>
    protected abstract void OnMessage(Span<byte> message);

    /// <summary>Frame header size for a payload of this length in this direction.</summary>
    public int HeaderLength(int payload) => (payload < 126 ? 2 : 4) + (_maskOutgoing ? 4 : 0);

    /// <summary>
    /// Writes a text frame header ending exactly at <paramref name="payloadStart"/>; returns where the frame starts.
    /// Clients mask with the all-zero key, which RFC 6455 allows and which leaves the payload as written.
    /// </summary>
    public int WriteHeader(Span<byte> buffer, int payloadStart, int payloadLength, byte opcode = 0x1)
    {
        var start = payloadStart - HeaderLength(payloadLength);
        var p = start;
        buffer[p++] = (byte)(0x80 | opcode);
        var mask = _maskOutgoing ? (byte)0x80 : (byte)0;
        if (payloadLength < 126)
        {
            buffer[p++] = (byte)(mask | payloadLength);
        }
        else
        {
            buffer[p++] = (byte)(mask | 126);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[p..], (ushort)payloadLength);
            p += 2;
        }

        if (_maskOutgoing)
        {
            buffer.Slice(p, 4).Clear();
        }

        return start;
    }

    /// <summary>Bytes the kernel would not take yet; they go first on the next send.</summary>
    public int Backlog => _backlogLength;

    /// <summary>
    /// Sends bytes already framed, from any thread, and never blocks: what the socket does not take now
    /// (the peer is not reading) waits in a per-connection backlog, so one stalled connection cannot stop
    /// the generator's clock or its socket thread for every other call.
    /// </summary>
    public void SendFramed(ReadOnlySpan<byte> frames)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        try
        {
            lock (_sendLock)
            {
                if (_backlogLength > 0)
                {
                    _backlogLength -= SendSome(_backlog.AsSpan(0, _backlogLength), out var rest);
                    rest.CopyTo(_backlog);
                    if (_backlogLength > 0)
                    {
                        Hold(frames);
                        return;
                    }
                }

                SendSome(frames, out var unsent);
                Hold(unsent);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            MarkClosed();
        }
    }

    private int SendSome(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> unsent)
    {
        var total = 0;
        while (total < data.Length)
        {
            var n = Socket.Send(data[total..], SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                break;
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            total += n;
        }

        unsent = data[total..];
        return total;
    }

    private void Hold(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_backlogLength + data.Length > _backlog.Length)
        {
            Array.Resize(ref _backlog, Math.Max(4096, (_backlogLength + data.Length) * 2));
        }

        data.CopyTo(_backlog.AsSpan(_backlogLength));
        _backlogLength += data.Length;
    }

    /// <summary>Frames and sends one text message (setup and teardown, not the per-frame path).</summary>
    public void SendText(ReadOnlySpan<byte> payload, byte opcode = 0x1)
    {
        var buffer = new byte[payload.Length + 14];
        var payloadStart = 14;
        payload.CopyTo(buffer.AsSpan(payloadStart));
        var start = WriteHeader(buffer, payloadStart, payload.Length, opcode);
        SendFramed(buffer.AsSpan(start, payloadStart - start + payload.Length));
    }

    /// <summary>
    /// Reads frames until the peer closes, on the shared <see cref="EpollLoop"/>; completes when it has.
    /// Bytes left over from the handshake go first.
    /// </summary>
    public Task ReceiveLoopAsync(ReadOnlyMemory<byte> leftover)
    {
        leftover.CopyTo(_receive);
        _filled = leftover.Length;
        if (_filled > 0 && !Drain())
        {
            MarkClosed();
            return Closed;
        }

        _epollKey = EpollLoop.Shared.Add(this, (int)Socket.Handle);
        return Closed;
    }

    /// <summary>One receive for a readable socket, on the epoll thread; false once the connection is over.</summary>
    internal bool OnReadable()
    {
        if (_filled == _receive.Length)
        {
            Array.Resize(ref _receive, _receive.Length * 2);
        }

        try
        {
            var n = Socket.Receive(_receive.AsSpan(_filled), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return true;
            }

            if (error == SocketError.Success && n > 0)
            {
                _filled += n;
                if (Drain())
                {
                    return true;
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }

        MarkClosed();
        return false;
    }

    private void MarkClosed()
    {
        Interlocked.Exchange(ref _closed, 1);
        if (_epollKey != 0)
        {
            EpollLoop.Shared.Remove(_epollKey);
        }

        _closedTcs.TrySetResult();
    }

    /// <summary>Handles every complete frame in the buffer; false once a close frame arrived.</summary>
    private bool Drain()
    {
        var buffer = _receive.AsSpan(0, _filled);
        var at = 0;
        while (true)
        {
            var frame = buffer[at..];
            if (frame.Length < 2)
            {
                break;
            }

            var fin = (frame[0] & 0x80) != 0;
            var opcode = frame[0] & 0x0F;
            var masked = (frame[1] & 0x80) != 0;
            long length = frame[1] & 0x7F;
            var p = 2;
            if (length == 126)
            {
                if (frame.Length < 4)
                {
                    break;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
                p = 4;
            }
            else if (length == 127)
            {
                if (frame.Length < 10)
                {
                    break;
                }

                length = (long)BinaryPrimitives.ReadUInt64BigEndian(frame[2..]);
                p = 10;
            }

            var maskAt = p;
            if (masked)
            {
                p += 4;
            }

            if (frame.Length < p + length)
            {
                break;
            }

            var payload = frame.Slice(p, (int)length);
            if (masked)
            {
                Unmask(payload, frame.Slice(maskAt, 4));
            }

            at += p + (int)length;
            switch (opcode)
            {
                case 0x8:
                    // Close: answer it and stop reading.
                    SendText(payload.Length >= 2 ? payload[..2] : [], 0x8);
                    return false;
                case 0x9:
                    SendText(payload, 0xA);
                    break;
                case 0xA:
                    break;
                default:
                    if (fin && _fragmentLength == 0)
                    {
                        OnMessage(payload);
                    }
                    else
                    {
                        // A fragmented message (setup only): gather it, then hand it over whole.
                        if (_fragmentLength + payload.Length > _fragments.Length)
                        {
                            Array.Resize(ref _fragments, Math.Max(4096, (_fragmentLength + payload.Length) * 2));
                        }

                        payload.CopyTo(_fragments.AsSpan(_fragmentLength));
                        _fragmentLength += payload.Length;
                        if (fin)
                        {
                            OnMessage(_fragments.AsSpan(0, _fragmentLength));
                            _fragmentLength = 0;
                        }
                    }

                    break;
            }
        }

        if (at > 0)
        {
            buffer[at..].CopyTo(_receive);
            _filled -= at;
        }

        return true;
    }

    private static void Unmask(Span<byte> payload, ReadOnlySpan<byte> key)
    {
        var k = MemoryMarshal.Read<uint>(key);
        if (k == 0)
        {
            return;
        }

        var k64 = k | ((ulong)k << 32);
        var words = MemoryMarshal.Cast<byte, ulong>(payload);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= k64;
        }

        for (var i = words.Length * 8; i < payload.Length; i++)
        {
            payload[i] ^= key[i & 3];
        }
    }

    /// <summary>
    /// Reads an HTTP head (through the blank line) with blocking receives; returns it and any bytes after it.
    /// Handshakes stay off the runtime's socket engine, which would otherwise watch the socket too and wake
    /// for every message the epoll loop reads.
    /// </summary>
    internal static (string Head, byte[] Leftover) ReadHead(Socket socket)
    {
        var buffer = new byte[8192];
        var filled = 0;
        while (true)
        {
            var n = socket.Receive(buffer.AsSpan(filled), SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("connection closed during the handshake");
            }

            filled += n;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..filled]);
            }

            if (filled == buffer.Length)
            {
                throw new IOException("HTTP head too large");
            }
        }
    }

    internal static string? Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    internal static string AcceptKey(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    public void Dispose()
    {
        MarkClosed();
        Socket.Dispose();
    }
}
