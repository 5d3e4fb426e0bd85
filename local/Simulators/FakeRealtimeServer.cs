using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Simulators;

/// <summary>How the fake model behaves; one script for all its sessions.</summary>
public sealed record FakeRealtimeScript
{
    public int GreetingMs { get; init; } = 600;
    public int ReplyMs { get; init; } = 400;
    public int GoodbyeMs { get; init; } = 400;

    /// <summary>Audio per <c>response.output_audio.delta</c>.</summary>
    public int ChunkMs { get; init; } = 20;

    /// <summary>Send deltas at real time (one chunk per ChunkMs) rather than flat out.</summary>
    public bool PaceAudio { get; init; }

    /// <summary>Call <c>end_call</c> instead of replying after this many caller turns; 0 never does.</summary>
    public int EndCallAfterCallerTurns { get; init; }

    /// <summary>A tool to call after the first caller turn (name, JSON arguments), before replying.</summary>
    public (string Name, string Arguments)? ToolAfterFirstTurn { get; init; }

    public bool VoiceActivityDetection { get; init; } = true;
    public double SpeechThreshold { get; init; } = 600;
    public int SilenceMsToStop { get; init; } = 200;
}

/// <summary>A recorded <c>conversation.item.truncate</c>.</summary>
public sealed record TruncateEvent(string ItemId, int ContentIndex, long AudioEndMs);

/// <summary>
/// OpenAI Realtime (GA) on loopback: the documented event flow for μ-law sessions with server VAD. It
/// detects speech from the audio's energy, answers with μ-law deltas and transcripts, runs scripted function
/// calls, honours <c>response.cancel</c>, interruption and <c>conversation.item.truncate</c>, and counts
/// what it saw.
/// </summary>
public sealed class FakeRealtimeServer : CallCenter.Fakes.LoopbackServer
{
    private int _connections;
    private int _active;
    private int _responseCreates;
    private long _appends;

    public FakeRealtimeScript Script { get; set; } = new();

    /// <summary>Endpoint for <c>RealtimeClientOptions.Endpoint</c>: the SDK appends <c>/realtime?model=…</c>.</summary>
    public Uri Endpoint => new(Root, "/v1");

    public int Connections => Volatile.Read(ref _connections);
    public int ActiveSessions => Volatile.Read(ref _active);
    public int ResponseCreates => Volatile.Read(ref _responseCreates);
    public long AppendedFrames => Interlocked.Read(ref _appends);
    public ConcurrentQueue<TruncateEvent> Truncates { get; } = new();
    public ConcurrentQueue<string> SessionUpdates { get; } = new();
    public ConcurrentQueue<(string CallId, string Output)> FunctionOutputs { get; } = new();

    /// <summary>Message items the client created (a reconnecting bridge replays the conversation this way).</summary>
    public ConcurrentQueue<string> MessageItems { get; } = new();

    /// <summary>Answer new upgrades with 503, as an unreachable service would.</summary>
    public bool RefuseConnections { get; set; }

    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();

    /// <summary>Drops every open session without a close handshake, as a network fault would.</summary>
    public int AbortActiveSessions()
    {
        var n = 0;
        foreach (var socket in _sockets.Keys)
        {
            socket.Abort();
            n++;
        }

        return n;
    }

    public static async Task<FakeRealtimeServer> StartAsync(FakeRealtimeScript? script = null, int port = 0)
    {
        var server = new FakeRealtimeServer { Script = script ?? new FakeRealtimeScript() };
        await server.ListenAsync(port, CancellationToken.None).ConfigureAwait(false);
        return server;
    }

    protected override void Map(IEndpointRouteBuilder routes) => routes.Map("/v1/realtime", AcceptAsync);

    private async Task AcceptAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest || RefuseConnections)
        {
            http.Response.StatusCode = RefuseConnections ? 503 : 400;
            return;
        }

        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _active);
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync("realtime").ConfigureAwait(false);
            _sockets[socket] = 0;
            try
            {
                await new Session(this, socket).RunAsync(http.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                _sockets.TryRemove(socket, out _);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private sealed class Session(FakeRealtimeServer server, WebSocket socket)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly byte[] _audio = new byte[16384];
        private readonly FakeRealtimeScript _script = server.Script;
        private CancellationTokenSource? _response;
        private Task _responseTask = Task.CompletedTask;
        private int _ids;
        private int _responseCount;
        private bool _speaking;
        private int _silentMs;
        private long _audioMs;
        private int _callerTurns;
        private bool _endCallSent;
        private string? _lastFunction;
        private string? _speechItem;

        public async Task RunAsync(CancellationToken aborted)
        {
            using var life = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var ct = life.Token;
            try
            {
                await SendAsync(new { type = "session.created", event_id = Id("event"), session = new { id = Id("sess"), type = "realtime" } }, ct)
                    .ConfigureAwait(false);
                var buffer = new byte[65536];
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

                        r = await socket.ReceiveAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                        if (r.MessageType == WebSocketMessageType.Close)
                        {
                            return;
                        }

                        filled += r.Count;
                    }
                    while (!r.EndOfMessage);

                    await OnMessageAsync(buffer.AsMemory(0, filled), ct).ConfigureAwait(false);
                }
            }
            finally
            {
                await life.CancelAsync().ConfigureAwait(false);
                _response?.Cancel();
                await Quietly(_responseTask).ConfigureAwait(false);
            }
        }

        private async Task OnMessageAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
        {
            var appended = TryAppend(message.Span);
            if (appended >= 0)
            {
                Interlocked.Increment(ref server._appends);
                if (_script.VoiceActivityDetection)
                {
                    await DetectSpeechAsync(_audio.AsMemory(0, appended), ct).ConfigureAwait(false);
                }

                return;
            }

            using var doc = JsonDocument.Parse(message);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "session.update":
                    server.SessionUpdates.Enqueue(root.GetRawText());
                    await SendAsync(new { type = "session.updated", event_id = Id("event"), session = root.GetProperty("session") }, ct).ConfigureAwait(false);
                    break;
                case "response.create":
                    Interlocked.Increment(ref server._responseCreates);
                    var first = ++_responseCount == 1;
                    var (ms, text) = _lastFunction switch
                    {
                        null => (first ? _script.GreetingMs : _script.ReplyMs, first ? "Hello, thanks for calling." : "How can I help?"),
                        "end_call" => (_script.GoodbyeMs, "Goodbye."),
                        _ => (_script.ReplyMs, "Done."),
                    };
                    _lastFunction = null;
                    StartResponse(ms, text, ct);
                    break;
                case "conversation.item.create":
                    var item = root.GetProperty("item");
                    if (item.GetProperty("type").GetString() == "function_call_output")
                    {
                        server.FunctionOutputs.Enqueue((item.GetProperty("call_id").GetString() ?? "", item.GetProperty("output").GetString() ?? ""));
                    }
                    else if (item.GetProperty("type").GetString() == "message")
                    {
                        server.MessageItems.Enqueue(item.GetRawText());
                    }

                    break;
                case "conversation.item.truncate":
                    server.Truncates.Enqueue(new TruncateEvent(
                        root.GetProperty("item_id").GetString() ?? "",
                        root.GetProperty("content_index").GetInt32(),
                        root.GetProperty("audio_end_ms").GetInt64()));
                    await SendAsync(new { type = "conversation.item.truncated", event_id = Id("event"), item_id = root.GetProperty("item_id").GetString() }, ct)
                        .ConfigureAwait(false);
                    break;
                case "response.cancel":
                    _response?.Cancel();
                    break;
            }
        }

        /// <summary>Decodes an <c>input_audio_buffer.append</c> into the session's buffer: its length, or -1.</summary>
        private int TryAppend(ReadOnlySpan<byte> message)
        {
            var reader = new Utf8JsonReader(message);
            var isAppend = false;
            ReadOnlySpan<byte> base64 = default;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    isAppend = reader.ValueTextEquals("input_audio_buffer.append"u8);
                    if (!isAppend)
                    {
                        return -1;
                    }
                }
                else if (reader.ValueTextEquals("audio"u8))
                {
                    reader.Read();
                    base64 = reader.ValueSpan;
                }
            }

            return isAppend && Base64.DecodeFromUtf8(base64, _audio, out _, out var written) == System.Buffers.OperationStatus.Done
                ? written
                : -1;
        }

        private async Task DetectSpeechAsync(ReadOnlyMemory<byte> audioCopy, CancellationToken ct)
        {
            var frameMs = audioCopy.Length / 8;
            _audioMs += frameMs;
            var loud = MuLaw.Energy(audioCopy.Span) > _script.SpeechThreshold;
            if (loud && !_speaking)
            {
                _speaking = true;
                _silentMs = 0;
                _speechItem = Id("item");
                await SendAsync(new { type = "input_audio_buffer.speech_started", event_id = Id("event"), audio_start_ms = _audioMs, item_id = _speechItem }, ct)
                    .ConfigureAwait(false);

                // interrupt_response: the running response stops when the caller speaks.
                _response?.Cancel();
                return;
            }

            if (!_speaking)
            {
                return;
            }

            _silentMs = loud ? 0 : _silentMs + frameMs;
            if (_silentMs < _script.SilenceMsToStop)
            {
                return;
            }

            _speaking = false;
            _callerTurns++;
            await SendAsync(new { type = "input_audio_buffer.speech_stopped", event_id = Id("event"), audio_end_ms = _audioMs, item_id = _speechItem }, ct)
                .ConfigureAwait(false);
            await SendAsync(new
            {
                type = "conversation.item.input_audio_transcription.completed",
                event_id = Id("event"),
                item_id = _speechItem,
                content_index = 0,
                transcript = $"caller turn {_callerTurns}",
            }, ct).ConfigureAwait(false);

            // create_response: the server answers the turn itself.
            if (_script.EndCallAfterCallerTurns > 0 && _callerTurns >= _script.EndCallAfterCallerTurns && !_endCallSent)
            {
                _endCallSent = true;
                await FunctionCallAsync("end_call", """{"reason":"caller is done"}""", ct).ConfigureAwait(false);
            }
            else if (_callerTurns == 1 && _script.ToolAfterFirstTurn is { } tool)
            {
                await FunctionCallAsync(tool.Name, tool.Arguments, ct).ConfigureAwait(false);
            }
            else
            {
                StartResponse(_script.ReplyMs, $"agent reply {_callerTurns}", ct);
            }
        }

        private async Task FunctionCallAsync(string name, string arguments, CancellationToken ct)
        {
            _lastFunction = name;
            var responseId = Id("resp");
            await SendAsync(new { type = "response.created", event_id = Id("event"), response = new { id = responseId, status = "in_progress" } }, ct).ConfigureAwait(false);
            await SendAsync(new
            {
                type = "response.function_call_arguments.done",
                event_id = Id("event"),
                response_id = responseId,
                item_id = Id("item"),
                output_index = 0,
                call_id = Id("call"),
                name,
                arguments,
            }, ct).ConfigureAwait(false);
            await SendAsync(new { type = "response.done", event_id = Id("event"), response = new { id = responseId, status = "completed" } }, ct).ConfigureAwait(false);
        }

        private void StartResponse(int ms, string transcript, CancellationToken ct)
        {
            _response?.Cancel();
            var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _response = cts;
            var previous = _responseTask;
            _responseTask = Task.Run(async () =>
            {
                await Quietly(previous).ConfigureAwait(false);
                await RespondAsync(ms, transcript, cts.Token, ct).ConfigureAwait(false);
            }, CancellationToken.None);
        }

        private async Task RespondAsync(int ms, string transcript, CancellationToken interrupted, CancellationToken ct)
        {
            var responseId = Id("resp");
            var itemId = Id("item");
            await SendAsync(new { type = "response.created", event_id = Id("event"), response = new { id = responseId, status = "in_progress" } }, ct).ConfigureAwait(false);
            await SendAsync(new { type = "response.output_audio_transcript.delta", event_id = Id("event"), response_id = responseId, item_id = itemId, delta = transcript }, ct)
                .ConfigureAwait(false);
            var chunk = Convert.ToBase64String(CallerAudio.Tone(_script.ChunkMs, 300, 3000));
            var status = "completed";
            var next = Stopwatch.GetTimestamp();
            for (var sent = 0; sent < ms; sent += _script.ChunkMs)
            {
                if (interrupted.IsCancellationRequested)
                {
                    status = "cancelled";
                    break;
                }

                if (_script.PaceAudio)
                {
                    next += Stopwatch.Frequency * _script.ChunkMs / 1000;
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, CancellationToken.None).ConfigureAwait(false);
                    }
                }

                await SendAsync(new { type = "response.output_audio.delta", event_id = Id("event"), response_id = responseId, item_id = itemId, output_index = 0, content_index = 0, delta = chunk }, ct)
                    .ConfigureAwait(false);
            }

            if (status == "completed")
            {
                await SendAsync(new { type = "response.output_audio.done", event_id = Id("event"), response_id = responseId, item_id = itemId }, ct).ConfigureAwait(false);
                await SendAsync(new { type = "response.output_audio_transcript.done", event_id = Id("event"), response_id = responseId, item_id = itemId, transcript }, ct)
                    .ConfigureAwait(false);
            }

            await SendAsync(new { type = "response.done", event_id = Id("event"), response = new { id = responseId, status } }, ct).ConfigureAwait(false);
        }

        private Task SendAsync(object payload, CancellationToken ct) => SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(payload), ct);

        private async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
        {
            await _send.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }

        private string Id(string prefix) => $"{prefix}_{Interlocked.Increment(ref _ids)}";

        private static async Task Quietly(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }
    }
}
