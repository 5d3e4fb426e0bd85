using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Prompts;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// One phone call: relays μ-law audio between Twilio's Media Stream and an OpenAI Realtime session, owns the
/// greeting, barge-in, tools and hangup. Two loops: Twilio → OpenAI (this method's caller's task) and
/// OpenAI → Twilio (one task); tools and the hangup run as tracked tasks that end with the call.
/// The audio path copies base64 payloads between JSON envelopes without decoding them, allocates nothing of
/// its own per frame, writes no log and touches no storage.
/// </summary>
public sealed class BridgeSession
{
    private static readonly byte[] AppendPrefix = """{"type":"input_audio_buffer.append","audio":" """u8.ToArray()[..^1];
    private static readonly byte[] AppendSuffix = "\"}"u8.ToArray();

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _twilio;
    private readonly MediaStreamSocket _media;
    private readonly CallContext _context;
    private readonly SessionServices _services;
    private readonly CancellationTokenSource _cts;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly byte[] _mediaPrefix;
    private readonly byte[] _markPrefix;
    private readonly byte[] _clearMessage;
    private readonly object _playback = new();
    private readonly Queue<PendingMark> _marks = new();
    private readonly List<Task> _tasks = [];
    private readonly List<(TurnRole Role, string Text)> _history = [];
    private readonly ToolRunner _tools;

    private byte[] _toOpenAi = ArrayPool<byte>.Shared.Rent(1024);
    private byte[] _toTwilio = ArrayPool<byte>.Shared.Rent(2048);
    private int _toOpenAiLength;
    private volatile IRealtimeLink _link;

    // Playback state, under _playback: what has been sent and acknowledged of the current agent item.
    private byte[] _itemIdBytes = [];
    private string? _itemId;
    private int _itemGeneration;
    private long _itemBytesSent;
    private long _itemBytesPlayed;
    private long _markSeq;
    private long _clearedUpTo;

    private long _framesIn;
    private long _framesOut;
    private long _framesDropped;
    private int _bargeIns;
    private int _toolCalls;
    private int _droppedEvents;
    private int _reconnects;
    private int _sequence;
    private int _greetings;
    private int _openAiErrorsLogged;
    private int _hangupArmed;

    // The response that called end_call: its own response.done comes before the goodbye is even asked for.
    private string? _endCallResponseId;
    private int _goodbyeDone;
    private int _hungUp;

    internal BridgeSession(MediaStreamSocket media, CallContext context, string streamSid, IRealtimeLink link, SessionServices services, CancellationToken aborted)
    {
        _media = media;
        _twilio = media.Socket;
        _context = context;
        _link = link;
        _services = services;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _tools = new ToolRunner(context, services.Leads, services.Time);
        _mediaPrefix = Encoding.UTF8.GetBytes($$"""{"event":"media","streamSid":"{{streamSid}}","media":{"payload":" """[..^1]);
        _markPrefix = Encoding.UTF8.GetBytes($$"""{"event":"mark","streamSid":"{{streamSid}}","mark":{"name":"m""");
        _clearMessage = Encoding.UTF8.GetBytes($$"""{"event":"clear","streamSid":"{{streamSid}}"}""");
        AppendPrefix.CopyTo(_toOpenAi, 0);
        _mediaPrefix.CopyTo(_toTwilio, 0);
    }

    private string CallSid => _context.Claims.CallSid;

    public int Greetings => _greetings;

    /// <summary>Configures the model, asks for the one greeting, then relays until Twilio closes the stream.</summary>
    public async Task RunAsync()
    {
        var ct = _cts.Token;
        Publish(null, new LiveEvent(CallSid, LiveEventKind.CallStarted, null, null, 0, _services.Time.GetUtcNow()));
        try
        {
            await _link.SendAsync(_services.SessionUpdate(_context), ct).ConfigureAwait(false);

            // The one greeting of the call: the prompt tells the model how to open an inbound or outbound call,
            // and nothing else in the product asks for one.
            if (Interlocked.Exchange(ref _greetings, 1) == 0)
            {
                await _link.SendAsync(RealtimeEvents.ResponseCreate, ct).ConfigureAwait(false);
            }

            _ = Track(RunOpenAiAsync);
            await RunTwilioAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        catch (Exception e)
        {
            BridgeTrace.SessionFailed(_services.Logger, CallSid, e);
        }
        finally
        {
            await _cts.CancelAsync().ConfigureAwait(false);
            _link.Dispose();
            var drained = AwaitTasksAsync();
            try
            {
                await drained.WaitAsync(DrainTimeout, _services.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A send to a caller whose socket no longer takes data holds the OpenAI loop (audio sends carry
                // no token): drop the connection so that nothing outlives the call.
                _media.Abort();
                await drained.ConfigureAwait(false);
            }
            _services.Metrics.AddCall(_framesIn, _framesOut, _framesDropped, _bargeIns, _toolCalls);
            BridgeTrace.CallEnded(_services.Logger, CallSid, _clock.ElapsedMilliseconds, _framesIn, _framesOut, _bargeIns,
                _toolCalls, _droppedEvents, _reconnects, _hungUp == 1);
            Publish(null, new LiveEvent(CallSid, LiveEventKind.CallEnded, null, null, _sequence, _services.Time.GetUtcNow()));
            ArrayPool<byte>.Shared.Return(_toOpenAi);
            ArrayPool<byte>.Shared.Return(_toTwilio);
            _toOpenAi = _toTwilio = [];
            _cts.Dispose();
        }
    }

    // ---------------------------------------------------------------- limits, driven from outside the call

    /// <summary>
    /// Twilio's largest real message, <c>start</c>, is a few KiB; a media frame is well under 1 KiB. A message
    /// over this closes the socket with 1009 (message too big) before more of it is buffered.
    /// </summary>
    internal const int MaxTwilioMessageBytes = 64 * 1024;

    private static readonly TimeSpan TooBigLinger = TimeSpan.FromMilliseconds(500);

    private static readonly byte[] ClosingLineRequest =
        """{"type":"response.create","response":{"instructions":"The call must end now. Say one short, polite goodbye sentence and nothing else."}}"""u8.ToArray();

    private long _lastTwilioMessage = Stopwatch.GetTimestamp();

    /// <summary>When Twilio last sent anything (a <see cref="Stopwatch"/> timestamp); it sends a frame every 20 ms.</summary>
    internal long LastTwilioMessage => Volatile.Read(ref _lastTwilioMessage);

    /// <summary>
    /// Has the agent say a brief closing line, then hangs up once, when it has played or at the goodbye
    /// backstop: how a call that reaches its length limit, or outlives the bridge's shutdown grace, ends.
    /// Nothing happens when a goodbye is already under way.
    /// </summary>
    internal async Task SayClosingLineAsync()
    {
        if (Interlocked.Exchange(ref _hangupArmed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _endCallResponseId, null);
        HangUpAfterGoodbyeTimeout();
        await _link.SendAsync(ClosingLineRequest, _cts.Token).ConfigureAwait(false);
    }

    /// <summary>Ends a call whose Twilio socket went silent: one hangup, and the socket is dropped.</summary>
    internal void EndSilentCall()
    {
        HangUpOnce();
        _media.Abort();
    }

    // ---------------------------------------------------------------- Twilio → OpenAI

    private async Task RunTwilioAsync(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(2048);
        try
        {
            var filled = 0;
            while (true)
            {
                // The audio path's socket calls take no token (a cancelable one costs a registration per call
                // and sends take the WebSocket's slow path); the session ends them by closing or aborting.
                var r = await _twilio.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                filled += r.Count;
                Volatile.Write(ref _lastTwilioMessage, Stopwatch.GetTimestamp());
                if (!r.EndOfMessage)
                {
                    if (filled == buffer.Length)
                    {
                        if (filled >= MaxTwilioMessageBytes)
                        {
                            // The peer gets a moment to read the close frame, then the connection is dropped: what it
                            // still sends would otherwise be read into the server's buffers until the call is torn down.
                            await SocketClose.QuietlyAsync(_twilio, WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                            await Task.Delay(TooBigLinger, _services.Time).ConfigureAwait(false);
                            _media.Abort();
                            return;
                        }

                        buffer = Grow(buffer, filled);
                    }

                    continue;
                }

                var length = filled;
                filled = 0;
                switch (ParseTwilio(buffer.AsSpan(0, length), out var markSeq))
                {
                    case TwilioEvent.Media when _toOpenAiLength > 0:
                        try
                        {
                            await _link.SendAsync(_toOpenAi.AsMemory(0, _toOpenAiLength), ct).ConfigureAwait(false);
                            _framesIn++;
                        }
                        catch (Exception) when (!ct.IsCancellationRequested)
                        {
                            // The OpenAI socket is down or being replaced; the reconnect path owns that.
                            _framesDropped++;
                        }

                        break;
                    case TwilioEvent.Mark:
                        OnMarkPlayed(markSeq);
                        break;
                    case TwilioEvent.Stop:
                        return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private TwilioEvent ParseTwilio(ReadOnlySpan<byte> message, out long markSeq)
    {
        markSeq = 0;
        _toOpenAiLength = 0;
        var kind = TwilioEvent.Other;
        var reader = new Utf8JsonReader(message);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1 && reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                kind = reader.ValueTextEquals("media"u8) ? TwilioEvent.Media
                    : reader.ValueTextEquals("mark"u8) ? TwilioEvent.Mark
                    : reader.ValueTextEquals("stop"u8) ? TwilioEvent.Stop
                    : TwilioEvent.Other;
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                var needed = AppendPrefix.Length + length + AppendSuffix.Length;
                if (needed > _toOpenAi.Length)
                {
                    ArrayPool<byte>.Shared.Return(_toOpenAi);
                    _toOpenAi = ArrayPool<byte>.Shared.Rent(needed);
                    AppendPrefix.CopyTo(_toOpenAi, 0);
                }

                var written = reader.ValueIsEscaped
                    ? reader.CopyString(_toOpenAi.AsSpan(AppendPrefix.Length))
                    : CopyRaw(reader.ValueSpan, _toOpenAi.AsSpan(AppendPrefix.Length));
                AppendSuffix.CopyTo(_toOpenAi.AsSpan(AppendPrefix.Length + written));
                _toOpenAiLength = AppendPrefix.Length + written + AppendSuffix.Length;
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                var name = reader.ValueSpan;
                if (name.Length > 1 && name[0] == (byte)'m')
                {
                    Utf8Parser.TryParse(name[1..], out markSeq, out _);
                }
            }
        }

        if (kind != TwilioEvent.Media)
        {
            _toOpenAiLength = 0;
        }

        return kind;
    }

    private void OnMarkPlayed(long seq)
    {
        var drained = false;
        lock (_playback)
        {
            // After a clear Twilio echoes every pending mark: those were not played.
            if (seq <= _clearedUpTo)
            {
                return;
            }

            while (_marks.TryPeek(out var mark) && mark.Seq <= seq)
            {
                _marks.Dequeue();
                if (mark.Generation == _itemGeneration)
                {
                    _itemBytesPlayed = mark.ItemBytes;
                }
            }

            drained = _marks.Count == 0;
        }

        if (drained)
        {
            TryHangUpAfterGoodbye();
        }
    }

    // ---------------------------------------------------------------- OpenAI → Twilio

    private async Task RunOpenAiAsync()
    {
        var ct = _cts.Token;
        while (!ct.IsCancellationRequested)
        {
            Exception? error = null;
            try
            {
                await foreach (var message in _link.ReceiveAsync(ct).ConfigureAwait(false))
                {
                    await OnOpenAiMessageAsync(message, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or IOException or InvalidOperationException or System.ClientModel.ClientResultException)
            {
                error = e;
            }

            if (ct.IsCancellationRequested || _twilio.State != WebSocketState.Open)
            {
                return;
            }

            if (_reconnects == 0 && await TryReconnectAsync(error, ct).ConfigureAwait(false))
            {
                continue;
            }

            BridgeTrace.OpenAiLost(_services.Logger, CallSid, error);
            await ApologiseAndHangUpAsync().ConfigureAwait(false);
            return;
        }
    }

    private async Task<bool> TryReconnectAsync(Exception? error, CancellationToken ct)
    {
        _reconnects++;
        BridgeTrace.OpenAiReconnecting(_services.Logger, CallSid, error);
        IRealtimeLink? next = null;
        try
        {
            next = await _services.ConnectAsync(ct).ConfigureAwait(false);
            await next.SendAsync(_services.SessionUpdate(_context), ct).ConfigureAwait(false);
            (TurnRole, string)[] history;
            lock (_history)
            {
                history = [.. _history];
            }

            // The conversation so far, so the model picks up where the caller is; no second greeting.
            foreach (var (role, text) in history)
            {
                await next.SendAsync(RealtimeEvents.Replay(role, text), ct).ConfigureAwait(false);
            }

            lock (_playback)
            {
                _marks.Clear();
                _clearedUpTo = _markSeq;
                _itemId = null;
                _itemIdBytes = [];
            }

            var old = _link;
            _link = next;
            old.Dispose();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            next?.Dispose();
            return false;
        }
    }

    private ValueTask OnOpenAiMessageAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var reader = new Utf8JsonReader(message.Span);
        var isAudio = false;
        int itemStart = -1, itemLength = 0, deltaStart = -1, deltaLength = 0;
        var deltaEscaped = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                {
                    reader.Skip();
                }

                continue;
            }

            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isAudio = reader.ValueTextEquals("response.output_audio.delta"u8) || reader.ValueTextEquals("response.audio.delta"u8);
                if (!isAudio)
                {
                    return OnControlEventAsync(message, ct);
                }
            }
            else if (reader.ValueTextEquals("item_id"u8))
            {
                reader.Read();
                itemStart = (int)reader.TokenStartIndex + 1;
                itemLength = reader.ValueSpan.Length;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                deltaStart = (int)reader.TokenStartIndex + 1;
                deltaLength = reader.ValueSpan.Length;
                deltaEscaped = reader.ValueIsEscaped;
            }
        }

        if (!isAudio || deltaStart < 0)
        {
            return ValueTask.CompletedTask;
        }

        if (itemStart >= 0)
        {
            var itemId = message.Span.Slice(itemStart, itemLength);
            if (!itemId.SequenceEqual(_itemIdBytes))
            {
                lock (_playback)
                {
                    _itemIdBytes = itemId.ToArray();
                    _itemId = Encoding.UTF8.GetString(_itemIdBytes);
                    _itemGeneration++;
                    _itemBytesSent = 0;
                    _itemBytesPlayed = 0;
                }
            }
        }

        // Encoders leave base64's '/' plain; an escaped payload (never seen) takes the slow, allocating path.
        var delta = deltaEscaped
            ? Encoding.UTF8.GetBytes(JsonDocument.Parse(message).RootElement.GetProperty("delta").GetString() ?? "")
            : message.Slice(deltaStart, deltaLength);
        return ForwardAudioAsync(delta);
    }

    private async ValueTask ForwardAudioAsync(ReadOnlyMemory<byte> base64)
    {
        var payloadEnd = _mediaPrefix.Length + base64.Length;
        var messageLength = payloadEnd + 3;
        var needed = messageLength + _markPrefix.Length + 24; // the mark follows the frame in the same buffer
        if (needed > _toTwilio.Length)
        {
            ArrayPool<byte>.Shared.Return(_toTwilio);
            _toTwilio = ArrayPool<byte>.Shared.Rent(needed);
            _mediaPrefix.CopyTo(_toTwilio, 0);
        }

        base64.Span.CopyTo(_toTwilio.AsSpan(_mediaPrefix.Length));
        "\"}}"u8.CopyTo(_toTwilio.AsSpan(payloadEnd));

        long seq;
        lock (_playback)
        {
            _itemBytesSent += DecodedLength(base64.Span);
            seq = ++_markSeq;
            _marks.Enqueue(new PendingMark(seq, _itemGeneration, _itemBytesSent));
        }

        // The mark is written right after the frame, in the same buffer, so the echo says "played up to here".
        var markStart = messageLength;
        _markPrefix.CopyTo(_toTwilio.AsSpan(markStart));
        var p = markStart + _markPrefix.Length;
        Utf8Formatter.TryFormat(seq, _toTwilio.AsSpan(p), out var digits);
        p += digits;
        "\"}}"u8.CopyTo(_toTwilio.AsSpan(p));
        p += 3;

        // The frame and its mark leave in one socket send.
        await _media.SendTogetherAsync(_toTwilio.AsMemory(0, messageLength), _toTwilio.AsMemory(markStart, p - markStart)).ConfigureAwait(false);
        _framesOut++;
    }

    private async ValueTask OnControlEventAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            // A malformed event must not end the call; the next one may be fine.
            return;
        }

        using var _ = doc;
        var root = doc.RootElement;
        switch (Str(root, "type"))
        {
            case "input_audio_buffer.speech_started":
                await OnCallerSpeechAsync(ct).ConfigureAwait(false);
                break;
            case "conversation.item.input_audio_transcription.completed":
                AddTurn(TurnRole.Caller, Str(root, "transcript"));
                break;
            case "response.output_audio_transcript.done" or "response.audio_transcript.done":
                AddTurn(TurnRole.Agent, Str(root, "transcript"));
                break;
            case "response.function_call_arguments.done":
                await OnFunctionCallAsync(Str(root, "response_id"), Str(root, "call_id") ?? "", Str(root, "name") ?? "", Str(root, "arguments") ?? "{}", ct)
                    .ConfigureAwait(false);
                break;
            case "response.done":
                if (Volatile.Read(ref _hangupArmed) == 1
                    && (!root.TryGetProperty("response", out var response) || Str(response, "id") != Volatile.Read(ref _endCallResponseId)))
                {
                    Interlocked.Exchange(ref _goodbyeDone, 1);
                    TryHangUpAfterGoodbye();
                }

                break;
            case "error":
                if (_openAiErrorsLogged++ < 3 && root.TryGetProperty("error", out var error))
                {
                    BridgeTrace.OpenAiError(_services.Logger, CallSid, Str(error, "code"), Str(error, "message"));
                }

                break;
        }
    }

    /// <summary>Barge-in: the caller speaks while agent audio is still queued at Twilio.</summary>
    private async ValueTask OnCallerSpeechAsync(CancellationToken ct)
    {
        string? itemId;
        long playedMs;
        lock (_playback)
        {
            if (_marks.Count == 0 || _itemId is null)
            {
                return;
            }

            itemId = _itemId;
            playedMs = _itemBytesPlayed / 8; // μ-law 8 kHz: 8 bytes per millisecond
            _marks.Clear();
            _clearedUpTo = _markSeq;
        }

        _bargeIns++;
        await _twilio.SendAsync(_clearMessage, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);

        // The model keeps only what the caller heard.
        await _link.SendAsync(RealtimeEvents.Truncate(itemId, playedMs), ct).ConfigureAwait(false);
    }

    private async ValueTask OnFunctionCallAsync(string? responseId, string callId, string name, string arguments, CancellationToken ct)
    {
        _toolCalls++;
        AddTurn(TurnRole.Tool, $"{name} {arguments}");
        if (name == AgentTools.EndCall)
        {
            Volatile.Write(ref _endCallResponseId, responseId);
            // Let the model say goodbye; hang up once that response is done and its audio has played.
            await _link.SendAsync(RealtimeEvents.FunctionOutput(callId, """{"ok":true,"note":"say a short goodbye now"}"""), ct)
                .ConfigureAwait(false);
            await _link.SendAsync(RealtimeEvents.ResponseCreate, ct).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _hangupArmed, 1) == 0)
            {
                HangUpAfterGoodbyeTimeout();
            }

            return;
        }

        _ = Track(async () =>
        {
            string output;
            try
            {
                output = await _tools.RunAsync(name, arguments, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                BridgeTrace.ToolFailed(_services.Logger, CallSid, name, e);
                output = """{"error":"the tool failed"}""";
            }

            await _link.SendAsync(RealtimeEvents.FunctionOutput(callId, output), ct).ConfigureAwait(false);
            await _link.SendAsync(RealtimeEvents.ResponseCreate, ct).ConfigureAwait(false);
        });
    }

    /// <summary>The backstop: hang up once <c>GoodbyeTimeout</c> has passed, even if no mark confirms the goodbye played.</summary>
    private void HangUpAfterGoodbyeTimeout() => _ = Track(async () =>
    {
        try
        {
            await Task.Delay(_services.Options.GoodbyeTimeout, _cts.Token).ConfigureAwait(false);
            HangUpOnce();
        }
        catch (OperationCanceledException)
        {
        }
    });

    private void TryHangUpAfterGoodbye()
    {
        if (Volatile.Read(ref _goodbyeDone) == 0)
        {
            return;
        }

        lock (_playback)
        {
            if (_marks.Count > 0)
            {
                return;
            }
        }

        HangUpOnce();
    }

    /// <summary>Exactly one hangup per call, whichever path asks first.</summary>
    private void HangUpOnce()
    {
        if (Interlocked.Exchange(ref _hungUp, 1) != 0)
        {
            return;
        }

        _ = Track(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _services.CallControl.HangUpAsync(CallSid, timeout.Token).ConfigureAwait(false);
                _services.Metrics.HungUp();
            }
            catch (Exception e)
            {
                BridgeTrace.HangupFailed(_services.Logger, CallSid, e);
            }
        });
    }

    private async Task ApologiseAndHangUpAsync()
    {
        if (_services.Apology is { Length: > 0 } apology)
        {
            try
            {
                await ForwardAudioAsync(apology).ConfigureAwait(false);
                Interlocked.Exchange(ref _hangupArmed, 1);
                Interlocked.Exchange(ref _goodbyeDone, 1);
                HangUpAfterGoodbyeTimeout();
                return;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        HangUpOnce();
    }

    // ---------------------------------------------------------------- bookkeeping

    private void AddTurn(TurnRole role, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        lock (_history)
        {
            _history.Add((role, text));
        }

        var seq = Interlocked.Increment(ref _sequence);
        var offset = _clock.Elapsed;
        var turn = new ConversationTurn(CallSid, seq, role, text, offset);
        Publish(turn, new LiveEvent(CallSid, LiveEventKind.Transcript, role.ToString(), text, seq, _services.Time.GetUtcNow()));
    }

    private void Publish(ConversationTurn? turn, LiveEvent live)
    {
        if (!_services.Transcripts.TryEnqueue(new TranscriptItem(_context.Tenant.Id, turn, live)))
        {
            Interlocked.Increment(ref _droppedEvents);
        }
    }

    private Task Track(Func<Task> work)
    {
        _services.Metrics.TaskStarted();
        var task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
            catch (Exception e)
            {
                BridgeTrace.SessionFailed(_services.Logger, CallSid, e);
            }
            finally
            {
                _services.Metrics.TaskEnded();
            }
        });
        lock (_tasks)
        {
            _tasks.Add(task);
        }

        return task;
    }

    private async Task AwaitTasksAsync()
    {
        // Tasks may start more tasks (a tool's reply, the hangup): wait until none is left.
        while (true)
        {
            Task[] pending;
            lock (_tasks)
            {
                _tasks.RemoveAll(t => t.IsCompleted);
                pending = [.. _tasks];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    private static byte[] Grow(byte[] buffer, int used)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    private static int CopyRaw(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static long DecodedLength(ReadOnlySpan<byte> base64)
    {
        var padding = base64.Length > 0 && base64[^1] == '=' ? (base64.Length > 1 && base64[^2] == '=' ? 2 : 1) : 0;
        return base64.Length / 4 * 3 - padding;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private enum TwilioEvent
    {
        Other,
        Media,
        Mark,
        Stop,
    }

    private readonly record struct PendingMark(long Seq, int Generation, long ItemBytes);
}
