using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CallCenter.Simulators;

/// <summary>
/// A phone call as Twilio's bidirectional Media Streams plays it: a signed WebSocket upgrade, then
/// <c>connected</c>, <c>start</c> (with custom parameters) and μ-law <c>media</c> frames; it plays the agent's
/// audio, echoes marks at playback (or at once), honours <c>clear</c> and records what it hears. It refuses
/// what Twilio refuses (error 31924): a binary frame or any message but <c>media</c>, <c>mark</c> and
/// <c>clear</c>; one without this stream's <c>streamSid</c>; a mark without a name; a payload that is not
/// base64 μ-law (empty, or with a WAV header). A refused message is recorded, not acted on, and ends the stream.
/// </summary>
public sealed class SimulatedCall : IAsyncDisposable
{
    private readonly SimulatedCallOptions _options;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly MemoryStream _heard = new();
    private readonly Queue<(string Name, long Due, long Bytes)> _pendingMarks = new();
    private readonly object _playback = new();
    private readonly CancellationTokenSource _life = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _decoded = new byte[65536];
    private readonly byte[] _mediaBuffer = new byte[4096];
    private readonly byte[] _streamSidBytes;
    private long _playoutEnd;
    private long _bytesQueued;
    private long _bytesPlayed;
    private int _mediaReceived;
    private int _clears;
    private int _marksEchoed;
    private long _playedMsAtFirstClear = -1;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _refused = new();
    private int _sequence;
    private int _hungUp;
    private int _deaf;
    private Task _sender = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;
    private Task _player = Task.CompletedTask;

    private SimulatedCall(SimulatedCallOptions options)
    {
        _options = options;
        _streamSidBytes = Encoding.UTF8.GetBytes(options.StreamSid);
    }

    public string CallSid => _options.CallSid;
    public int MediaReceived => Volatile.Read(ref _mediaReceived);
    public int Clears => Volatile.Read(ref _clears);
    public int MarksEchoed => Volatile.Read(ref _marksEchoed);
    public long PlayedMs => Interlocked.Read(ref _bytesPlayed) / 8;
    public long PlayedMsAtFirstClear => Interlocked.Read(ref _playedMsAtFirstClear);
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Messages the bridge sent that Twilio would refuse with error 31924, and why.</summary>
    public IReadOnlyCollection<string> Refused => _refused;

    /// <summary>Completes when the socket is closed, by either side.</summary>
    public Task Completion => _closed.Task;

    /// <summary>Everything played to the caller, μ-law.</summary>
    public byte[] Heard()
    {
        lock (_heard)
        {
            return _heard.ToArray();
        }
    }

    /// <summary>Twilio's <c>x-twilio-signature</c> for a WebSocket upgrade: HMAC-SHA1 over the URL alone.</summary>
    /// <summary>The upgrade's x-twilio-signature: Twilio's webhook signature over the wss URL, with no parameters.</summary>
    public static string Sign(string authToken, Uri url) => CallCenter.Fakes.TwilioRequestSigner.Sign(authToken, url.ToString(), []);

    public static async Task<SimulatedCall> StartAsync(SimulatedCallOptions options, CancellationToken ct = default)
    {
        var call = new SimulatedCall(options);
        call._socket.Options.SetRequestHeader("x-twilio-signature", Sign(options.SignWith ?? options.AuthToken, options.StreamUrl));
        await call._socket.ConnectAsync(options.StreamUrl, ct).ConfigureAwait(false);
        call._receiver = Task.Run(call.ReceiveAsync, CancellationToken.None);
        if (options.RealTimePlayback)
        {
            call._player = Task.Run(call.PlayAsync, CancellationToken.None);
        }

        await call.SendJsonAsync(new { @event = "connected", protocol = "Call", version = "1.0.0" }).ConfigureAwait(false);
        await call.SendJsonAsync(new
        {
            @event = "start",
            sequenceNumber = call.NextSequence(),
            start = new
            {
                accountSid = options.AccountSid,
                streamSid = options.StreamSid,
                callSid = options.CallSid,
                tracks = new[] { "inbound" },
                mediaFormat = new { encoding = "audio/x-mulaw", sampleRate = 8000, channels = 1 },
                customParameters = options.Parameters,
            },
            streamSid = options.StreamSid,
        }).ConfigureAwait(false);
        call._sender = Task.Run(call.RunScriptAsync, CancellationToken.None);
        return call;
    }

    /// <summary>The caller hangs up: <c>stop</c>, then the socket closes.</summary>
    public async Task HangUpAsync()
    {
        if (Interlocked.Exchange(ref _hungUp, 1) != 0)
        {
            return;
        }

        try
        {
            await SendJsonAsync(new
            {
                @event = "stop",
                sequenceNumber = NextSequence(),
                streamSid = _options.StreamSid,
                stop = new { accountSid = _options.AccountSid, callSid = _options.CallSid },
            }).ConfigureAwait(false);
            await _send.WaitAsync().ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "hangup", timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task RunScriptAsync()
    {
        var ct = _life.Token;
        var frame = new byte[MuLaw.FrameBytes];
        var next = Stopwatch.GetTimestamp();
        long timestampMs = 0;
        var chunk = 0;
        try
        {
            foreach (var step in _options.Script)
            {
                switch (step)
                {
                    case CallerStep.Send send:
                        for (var offset = 0; offset < send.Audio.Length; offset += MuLaw.FrameBytes)
                        {
                            var length = Math.Min(MuLaw.FrameBytes, send.Audio.Length - offset);
                            send.Audio.AsSpan(offset, length).CopyTo(frame);
                            if (_options.Pacing == Pacing.RealTime)
                            {
                                next += Stopwatch.Frequency / 50;
                                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                                if (wait > TimeSpan.Zero)
                                {
                                    await Task.Delay(wait, ct).ConfigureAwait(false);
                                }

                            }

                            await SendMediaAsync(frame.AsMemory(0, length), ++chunk, timestampMs, ct).ConfigureAwait(false);
                            timestampMs += length / 8;
                        }

                        break;
                    case CallerStep.WaitUntilHeard wait:
                        while (PlayedMs < wait.Ms)
                        {
                            await Task.Delay(10, ct).ConfigureAwait(false);
                        }

                        next = Stopwatch.GetTimestamp();
                        break;
                    case CallerStep.HangUp:
                        await HangUpAsync().ConfigureAwait(false);
                        return;
                    case CallerStep.StopListening:
                        Volatile.Write(ref _deaf, 1);
                        break;
                    case CallerStep.Dtmf dtmf:
                        foreach (var digit in dtmf.Digits)
                        {
                            await SendDtmfAsync(digit).ConfigureAwait(false);
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>A key press, as Twilio reports it on a bidirectional stream.</summary>
    public Task SendDtmfAsync(char digit) => SendJsonAsync(new
    {
        @event = "dtmf",
        streamSid = _options.StreamSid,
        sequenceNumber = NextSequence(),
        dtmf = new { track = "inbound_track", digit = digit.ToString() },
    });

    private async Task SendMediaAsync(ReadOnlyMemory<byte> audio, int chunk, long timestampMs, CancellationToken ct)
    {
        // Built in one reused buffer: the simulator must stay cheap enough to drive a thousand calls.
        var length = WriteMedia(_mediaBuffer, audio.Span, chunk, timestampMs);
        await SendRawAsync(_mediaBuffer.AsMemory(0, length), ct).ConfigureAwait(false);
    }

    private int WriteMedia(Span<byte> b, ReadOnlySpan<byte> audio, int chunk, long timestampMs)
    {
        var p = Put(b, 0, "{\"event\":\"media\",\"sequenceNumber\":\""u8);
        System.Buffers.Text.Utf8Formatter.TryFormat(Interlocked.Increment(ref _sequence), b[p..], out var n);
        p += n;
        p = Put(b, p, "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""u8);
        System.Buffers.Text.Utf8Formatter.TryFormat(chunk, b[p..], out n);
        p += n;
        p = Put(b, p, "\",\"timestamp\":\""u8);
        System.Buffers.Text.Utf8Formatter.TryFormat(timestampMs, b[p..], out n);
        p += n;
        p = Put(b, p, "\",\"payload\":\""u8);
        Base64.EncodeToUtf8(audio, b[p..], out _, out n);
        p += n;
        p = Put(b, p, "\"},\"streamSid\":\""u8);
        p = Put(b, p, _streamSidBytes);
        return Put(b, p, "\"}"u8);
    }

    private static int Put(Span<byte> b, int at, ReadOnlySpan<byte> s)
    {
        s.CopyTo(b[at..]);
        return at + s.Length;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var filled = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    r = await _socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    filled += r.Count;
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    await RefuseAsync("a binary frame").ConfigureAwait(false);
                    return;
                }

                if (!await OnMessageAsync(buffer.AsMemory(0, filled)).ConfigureAwait(false))
                {
                    return;
                }
                if (Volatile.Read(ref _deaf) == 1)
                {
                    await Task.Delay(Timeout.Infinite, _life.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
                {
                }
            }

            await _life.CancelAsync().ConfigureAwait(false);
            _closed.TrySetResult();
        }
    }

    /// <summary>Plays one message from the bridge; false when Twilio would refuse it (the stream then ends).</summary>
    private async Task<bool> OnMessageAsync(ReadOnlyMemory<byte> message)
    {
        var kind = "";
        string? markName = null;
        var decoded = -1;
        var ownStream = false;
        try
        {
            var reader = new Utf8JsonReader(message.Span);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("event"u8))
                {
                    reader.Read();
                    kind = reader.ValueTextEquals("media"u8) ? "media" : reader.ValueTextEquals("mark"u8) ? "mark" : reader.ValueTextEquals("clear"u8) ? "clear" : reader.GetString() ?? "";
                }
                else if (reader.CurrentDepth == 1 && reader.ValueTextEquals("streamSid"u8))
                {
                    reader.Read();
                    ownStream = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_streamSidBytes);
                }
                else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    if (Base64.GetMaxDecodedFromUtf8Length(reader.ValueSpan.Length) > _decoded.Length)
                    {
                        _decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(reader.ValueSpan.Length)];
                    }

                    decoded = reader.TokenType == JsonTokenType.String
                        && Base64.DecodeFromUtf8(reader.ValueSpan, _decoded, out _, out var written) == System.Buffers.OperationStatus.Done ? written : -1;
                }
                else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    markName = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            return await RefuseAsync("a message that is not JSON").ConfigureAwait(false);
        }

        var refusal = kind is not ("media" or "mark" or "clear") ? $"an outbound '{kind}' message (only media, mark and clear are taken)"
            : !ownStream ? $"a {kind} message without this stream's streamSid"
            : kind == "mark" && string.IsNullOrEmpty(markName) ? "a mark without a name"
            : kind == "media" && (decoded <= 0 || IsFileHeader(_decoded.AsSpan(0, decoded))) ? "a media payload that is not base64 8 kHz μ-law audio"
            : null;
        if (refusal is not null)
        {
            return await RefuseAsync(refusal).ConfigureAwait(false);
        }

        switch (kind)
        {
            case "media" when decoded >= 0:
                Interlocked.Increment(ref _mediaReceived);
                if (_options.Record)
                {
                    lock (_heard)
                    {
                        _heard.Write(_decoded, 0, decoded);
                    }
                }

                lock (_playback)
                {
                    var now = Stopwatch.GetTimestamp();
                    _playoutEnd = Math.Max(_playoutEnd, now) + Stopwatch.Frequency * decoded / 8000;
                    _bytesQueued += decoded;
                }

                break;
            case "mark" when markName is not null:
                if (_options.RealTimePlayback)
                {
                    lock (_playback)
                    {
                        _pendingMarks.Enqueue((markName, _playoutEnd, _bytesQueued));
                    }
                }
                else
                {
                    long bytes;
                    lock (_playback)
                    {
                        bytes = _bytesQueued;
                    }

                    await EchoMarkAsync(markName, bytes, played: true).ConfigureAwait(false);
                }

                break;
            case "clear":
                (string Name, long Due, long Bytes)[] flushed;
                lock (_playback)
                {
                    if (Interlocked.Increment(ref _clears) == 1)
                    {
                        Interlocked.Exchange(ref _playedMsAtFirstClear, Interlocked.Read(ref _bytesPlayed) / 8);
                    }

                    flushed = [.. _pendingMarks];
                    _pendingMarks.Clear();
                    _playoutEnd = Stopwatch.GetTimestamp();
                    _bytesQueued = Interlocked.Read(ref _bytesPlayed);
                }

                // Twilio echoes every pending mark after a clear; that audio was not played.
                foreach (var mark in flushed)
                {
                    await EchoMarkAsync(mark.Name, mark.Bytes, played: false).ConfigureAwait(false);
                }

                break;
        }

        return true;
    }

    /// <summary>Raw μ-law has no header; a WAV (RIFF) or other file header is played as noise by Twilio and refused.</summary>
    private static bool IsFileHeader(ReadOnlySpan<byte> audio) => audio.StartsWith("RIFF"u8);

    /// <summary>Twilio's error 31924: the message is not acted on and the stream ends.</summary>
    private async Task<bool> RefuseAsync(string reason)
    {
        _refused.Enqueue("31924: " + reason);
        await _send.WaitAsync().ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.ProtocolError, "31924", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _send.Release();
        }

        return false;
    }

    private async Task PlayAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(_life.Token).ConfigureAwait(false))
            {
                while (true)
                {
                    (string Name, long Due, long Bytes) due;
                    lock (_playback)
                    {
                        if (!_pendingMarks.TryPeek(out due) || due.Due > Stopwatch.GetTimestamp())
                        {
                            break;
                        }

                        _pendingMarks.Dequeue();
                    }

                    await EchoMarkAsync(due.Name, due.Bytes, played: true).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task EchoMarkAsync(string name, long bytesAtMark, bool played)
    {
        if (played)
        {
            Interlocked.Exchange(ref _bytesPlayed, bytesAtMark);
        }

        Interlocked.Increment(ref _marksEchoed);
        try
        {
            var json = string.Concat(
                "{\"event\":\"mark\",\"sequenceNumber\":\"", NextSequence(), "\",\"streamSid\":\"", _options.StreamSid,
                "\",\"mark\":{\"name\":", JsonSerializer.Serialize(name), "}}");
            await SendRawAsync(Encoding.UTF8.GetBytes(json), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private string NextSequence() => Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task SendJsonAsync(object payload) => SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(payload), CancellationToken.None);

    private async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _send.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync().ConfigureAwait(false);
        if (_socket.State == WebSocketState.Open)
        {
            await HangUpAsync().ConfigureAwait(false);
        }

        await Task.WhenAny(_closed.Task, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _socket.Abort();
        await Task.WhenAll(_sender, _receiver, _player).ConfigureAwait(false);
        _socket.Dispose();
        _life.Dispose();
    }
}
