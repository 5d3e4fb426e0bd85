using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>What both ends of the generator record.</summary>
internal sealed class LoadFigures(int calls)
{
    private readonly int[] _lastCallerSeq = new int[calls + 1];
    private long _callerGaps;
    private long _agentGaps;
    private int _measuring;

    public Histogram Inbound { get; } = new();
    public Histogram Outbound { get; } = new();
    public long CallerGaps => Interlocked.Read(ref _callerGaps);
    public long AgentGaps => Interlocked.Read(ref _agentGaps);
    public bool Measuring { get => Volatile.Read(ref _measuring) == 1; set => Volatile.Write(ref _measuring, value ? 1 : 0); }

    /// <summary>A caller frame reached the fake OpenAI server.</summary>
    public void CallerFrame(long sentTicks, int call, int seq)
    {
        if (call > 0 && call < _lastCallerSeq.Length)
        {
            var last = _lastCallerSeq[call];
            if (last != 0 && seq != last + 1)
            {
                Interlocked.Add(ref _callerGaps, Math.Max(0, seq - last - 1));
            }

            _lastCallerSeq[call] = seq;
        }

        if (Measuring)
        {
            Inbound.Record(Stopwatch.GetElapsedTime(sentTicks).TotalMicroseconds);
        }
    }

    /// <summary>An agent frame reached its caller; <paramref name="last"/> is that caller's previous sequence number.</summary>
    public void AgentFrame(long sentTicks, int seq, ref int last)
    {
        if (last != 0 && seq != last + 1)
        {
            Interlocked.Add(ref _agentGaps, Math.Max(0, seq - last - 1));
        }

        last = seq;
        if (Measuring)
        {
            Outbound.Record(Stopwatch.GetElapsedTime(sentTicks).TotalMicroseconds);
        }
    }
}

/// <summary>
/// One phone call as Twilio's Media Streams plays it, on a raw socket: the signed upgrade, <c>connected</c>,
/// <c>start</c> with the stream token, a stamped 160-byte μ-law frame every 20 ms, every mark echoed with the next frame,
/// and <c>stop</c> plus a close at the end.
/// </summary>
internal sealed class LoadCaller : RawWebSocket, IFrameSource
{
    private static readonly byte[] MediaHead = "{\"event\":\"media\",\"sequenceNumber\":\""u8.ToArray();
    private static readonly byte[] MarkEchoHead = "{\"event\":\"mark\",\"sequenceNumber\":\""u8.ToArray();

    private readonly int _number;
    private readonly byte[] _streamSid;
    private readonly string _callSid;
    private readonly LoadFigures _figures;
    private readonly byte[] _frame = new byte[1024];
    private readonly byte[] _echo = new byte[256];
    private readonly object _outLock = new();
    private byte[] _out = new byte[2048];
    private int _outLength;
    private int _sequence;
    private int _chunk;
    private int _lastAgentSeq;
    private Task _receiving = Task.CompletedTask;

    private LoadCaller(Socket socket, int number, string callSid, string streamSid, LoadFigures figures) : base(socket, client: true)
    {
        _number = number;
        _callSid = callSid;
        _streamSid = Encoding.ASCII.GetBytes(streamSid);
        _figures = figures;
    }

    public static async Task<LoadCaller> StartAsync(
        Uri mediaUrl, string signature, int number, string callSid, string token, LoadFigures figures, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Blocking calls on a pool thread: see ReadHead.
            var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var (head, leftover) = await Task.Run(() =>
            {
                socket.ReceiveTimeout = 30_000;
                socket.Connect(new IPEndPoint(IPAddress.Parse(mediaUrl.Host), mediaUrl.Port));
                var request = $"GET {mediaUrl.PathAndQuery} HTTP/1.1\r\nHost: {mediaUrl.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nx-twilio-signature: {signature}\r\n\r\n";
                socket.Send(Encoding.ASCII.GetBytes(request), SocketFlags.None);
                return ReadHead(socket);
            }, ct).ConfigureAwait(false);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) || Header(head, "Sec-WebSocket-Accept") != AcceptKey(key))
            {
                throw new IOException("upgrade refused: " + head.Split("\r\n")[0]);
            }

            var streamSid = "MZ" + Guid.NewGuid().ToString("N");
            var call = new LoadCaller(socket, number, callSid, streamSid, figures);
            call._receiving = call.ReceiveLoopAsync(leftover);
            call.SendText(JsonSerializer.SerializeToUtf8Bytes(new { @event = "connected", protocol = "Call", version = "1.0.0" }));
            call.SendText(JsonSerializer.SerializeToUtf8Bytes(new
            {
                @event = "start",
                sequenceNumber = call.NextSequence().ToString(System.Globalization.CultureInfo.InvariantCulture),
                start = new
                {
                    accountSid = "AC00000000000000000000000000000000",
                    streamSid,
                    callSid,
                    tracks = new[] { "inbound" },
                    mediaFormat = new { encoding = "audio/x-mulaw", sampleRate = 8000, channels = 1 },
                    customParameters = new Dictionary<string, string> { [CallCenter.Core.Calls.StreamTokens.ParameterName] = token },
                },
                streamSid,
            }));
            return call;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private int NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Twilio's media message, framed in place: one send per frame.</summary>
    public void SendFrame()
    {
        const int PayloadStart = 16;
        var b = _frame.AsSpan();
        var p = PayloadStart;
        p = Put(b, p, MediaHead);
        Utf8Formatter.TryFormat(NextSequence(), b[p..], out var n);
        p += n;
        p = Put(b, p, "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""u8);
        var chunk = ++_chunk;
        Utf8Formatter.TryFormat(chunk, b[p..], out n);
        p += n;
        p = Put(b, p, "\",\"timestamp\":\""u8);
        Utf8Formatter.TryFormat((chunk - 1) * 20, b[p..], out n);
        p += n;
        p = Put(b, p, "\",\"payload\":\""u8);
        Stamp.Write(b[p..], _number, chunk);
        p += Stamp.Base64Length;
        p = Put(b, p, "\"},\"streamSid\":\""u8);
        p = Put(b, p, _streamSid);
        p = Put(b, p, "\"}"u8);
        var start = WriteHeader(b, PayloadStart, p - PayloadStart);
        lock (_outLock)
        {
            if (_outLength == 0)
            {
                SendFramed(b[start..p]);
                return;
            }

            Queue(b[start..p]);
            SendFramed(_out.AsSpan(0, _outLength));
            _outLength = 0;
        }
    }

    private void Queue(ReadOnlySpan<byte> frame)
    {
        if (_outLength + frame.Length > _out.Length)
        {
            Array.Resize(ref _out, (_outLength + frame.Length) * 2);
        }

        frame.CopyTo(_out.AsSpan(_outLength));
        _outLength += frame.Length;
    }

    protected override void OnMessage(Span<byte> message)
    {
        var payload = message.IndexOf("\"payload\":\""u8);
        if (payload >= 0)
        {
            if (Stamp.TryRead(message[(payload + 11)..], out var sent, out _, out var seq))
            {
                _figures.AgentFrame(sent, seq, ref _lastAgentSeq);
            }

            return;
        }

        var name = message.IndexOf("\"name\":\""u8);
        if (name >= 0 && message.IndexOf("\"event\":\"mark\""u8) >= 0)
        {
            var value = message[(name + 8)..];
            value = value[..value.IndexOf((byte)'"')];
            EchoMark(value);
        }
    }

    /// <summary>
    /// Marks come back with the caller's next frame, in the same send (at most 20 ms later, which is sooner than
    /// Twilio, whose echo waits for playback): one send per frame keeps the generator on its core.
    /// </summary>
    private void EchoMark(ReadOnlySpan<byte> name)
    {
        const int PayloadStart = 8;
        var b = _echo.AsSpan();
        var p = Put(b, PayloadStart, MarkEchoHead);
        Utf8Formatter.TryFormat(NextSequence(), b[p..], out var n);
        p += n;
        p = Put(b, p, "\",\"streamSid\":\""u8);
        p = Put(b, p, _streamSid);
        p = Put(b, p, "\",\"mark\":{\"name\":\""u8);
        p = Put(b, p, name);
        p = Put(b, p, "\"}}"u8);
        var start = WriteHeader(b, PayloadStart, p - PayloadStart);
        lock (_outLock)
        {
            Queue(b[start..p]);
        }
    }

    /// <summary>The caller hangs up: <c>stop</c>, a close frame, then the bridge closes its side.</summary>
    public async Task HangUpAsync(TimeSpan timeout)
    {
        SendText(Encoding.UTF8.GetBytes(string.Concat(
            "{\"event\":\"stop\",\"sequenceNumber\":\"", NextSequence().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "\",\"streamSid\":\"", Encoding.ASCII.GetString(_streamSid),
            "\",\"stop\":{\"accountSid\":\"AC00000000000000000000000000000000\",\"callSid\":\"", _callSid, "\"}}")));
        SendText([0x03, 0xE8], 0x8);
        await Task.WhenAny(_receiving, Task.Delay(timeout)).ConfigureAwait(false);
        Dispose();
    }

    private static int Put(Span<byte> b, int at, ReadOnlySpan<byte> s)
    {
        s.CopyTo(b[at..]);
        return at + s.Length;
    }
}
