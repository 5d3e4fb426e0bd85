using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// The OpenAI Realtime side of the load, on raw sockets: accepts the SDK's WebSocket (with its
/// <c>realtime</c> sub-protocol), answers <c>session.created</c>, and once <c>session.update</c> arrives
/// streams a stamped 20 ms <c>response.output_audio.delta</c> every 20 ms; every
/// <c>input_audio_buffer.append</c> is read back for its stamp. Nothing else of the model is played: the
/// protocol-faithful fake (local/Simulators) is what the end-to-end tests use.
/// </summary>
internal sealed class LoadRealtimeServer : IAsyncDisposable
{
    /// <summary>The model's audio event, which the server streams.</summary>
    public const string DeltaEvent = "response.output_audio.delta";

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly FrameClock _clock;
    private readonly LoadFigures _figures;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Session> _sessions = [];
    private readonly Task _accepting;
    private int _numbers;

    public LoadRealtimeServer(FrameClock clock, LoadFigures figures)
    {
        _clock = clock;
        _figures = figures;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1024);
        _accepting = AcceptAsync();
    }

    /// <summary>For <c>RealtimeClientOptions.Endpoint</c>; the SDK appends <c>/realtime?model=…</c>.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/v1");

    /// <summary>The same endpoint as a WebSocket URL, as the SDK opens it (for a relay that takes the URL whole).</summary>
    public Uri WebSocketUrl => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/v1/realtime?model=gpt-realtime");

    public int Connections => Volatile.Read(ref _numbers);

    /// <summary>Connections open now: the calls a relay holds upstream.</summary>
    public int OpenSessions
    {
        get
        {
            lock (_sessions)
            {
                return _sessions.Count;
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                _ = Task.Run(() => HandshakeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        try
        {
            socket.ReceiveTimeout = 30_000;
            var (head, leftover) = RawWebSocket.ReadHead(socket);
            var key = RawWebSocket.Header(head, "Sec-WebSocket-Key") ?? throw new IOException("not a WebSocket upgrade");
            var protocol = RawWebSocket.Header(head, "Sec-WebSocket-Protocol")?.Split(',')[0].Trim();
            var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Accept: {RawWebSocket.AcceptKey(key)}\r\n"
                + (protocol is { Length: > 0 } ? $"Sec-WebSocket-Protocol: {protocol}\r\n" : "") + "\r\n";
            socket.Send(Encoding.ASCII.GetBytes(response), SocketFlags.None);

            var session = new Session(socket, Interlocked.Increment(ref _numbers), this);
            lock (_sessions)
            {
                _sessions.Add(session);
            }

            session.SendText("""{"type":"session.created","event_id":"event_1","session":{"id":"sess_bench","type":"realtime"}}"""u8);
            await session.ReceiveLoopAsync(leftover).ConfigureAwait(false);
            _clock.Remove(session);
            session.Dispose();
            lock (_sessions)
            {
                _sessions.Remove(session);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        Session[] open;
        lock (_sessions)
        {
            open = [.. _sessions];
        }

        foreach (var s in open)
        {
            _clock.Remove(s);
            s.Dispose();
        }

        _stop.Dispose();
    }

    private sealed class Session : RawWebSocket, IFrameSource
    {
        private readonly int _number;
        private readonly LoadRealtimeServer _server;
        private readonly byte[] _frame;
        private readonly int _payloadStart;
        private readonly int _deltaAt;
        private int _seq;
        private int _streaming;

        public Session(Socket socket, int number, LoadRealtimeServer server) : base(socket, client: false)
        {
            _number = number;
            _server = server;
            var head = Encoding.UTF8.GetBytes(
                $$"""{"type":"{{DeltaEvent}}","event_id":"event_bench","response_id":"resp_bench","item_id":"item_{{number}}","output_index":0,"content_index":0,"delta":" """[..^1]);
            _payloadStart = 8;
            _frame = new byte[_payloadStart + head.Length + Stamp.Base64Length + 2];
            head.CopyTo(_frame, _payloadStart);
            _deltaAt = _payloadStart + head.Length;
            "\"}"u8.CopyTo(_frame.AsSpan(_deltaAt + Stamp.Base64Length));
        }

        public void SendFrame()
        {
            Stamp.Write(_frame.AsSpan(_deltaAt), _number, ++_seq);
            var length = _frame.Length - _payloadStart;
            var start = WriteHeader(_frame, _payloadStart, length);
            SendFramed(_frame.AsSpan(start, _payloadStart - start + length));
        }

        protected override void OnMessage(Span<byte> message)
        {
            var audio = message.IndexOf("\"audio\":\""u8);
            if (audio >= 0 && message.IndexOf("\"input_audio_buffer.append\""u8) >= 0)
            {
                if (Stamp.TryRead(message[(audio + 9)..], out var sent, out var call, out var seq))
                {
                    _server._figures.CallerFrame(sent, call, seq);
                }

                return;
            }

            // The bridge configures the session first; the model's audio starts then, as it would for the greeting.
            if (message.IndexOf("\"session.update\""u8) >= 0 && Interlocked.Exchange(ref _streaming, 1) == 0)
            {
                _server._clock.Add(this, _number + FrameClock.Slots / 2);
            }
        }
    }
}
