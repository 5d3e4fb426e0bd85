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
/// It keeps OpenAI's state rules: one response at a time (a tool's output and the next <c>response.create</c>
/// wait for the active response's <c>response.done</c>), and a function call runs only when its response
/// completed. What the caller heard is judged by <see cref="PlaybackTracker"/>, the hangup by <see cref="HangupPolicy"/>.
/// The audio path copies base64 payloads between JSON envelopes without decoding them, allocates nothing of
/// its own per frame, writes no log and touches no storage.
/// </summary>
public sealed class BridgeSession
{
    private static readonly byte[] AppendPrefix = """{"type":"input_audio_buffer.append","audio":" """u8.ToArray()[..^1];
    private static readonly byte[] AppendSuffix = "\"}"u8.ToArray();

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The output for a function call whose response did not complete: it was not run.</summary>
    private const string NotRunOutput = """{"ok":false,"note":"not done: the response was cut off before the call completed; call it again if it is still wanted"}""";

    private readonly WebSocket _twilio;
    private readonly MediaStreamSocket _media;
    private readonly CallContext _context;
    private readonly SessionServices _services;
    private readonly CancellationTokenSource _cts;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly byte[] _mediaPrefix;
    private readonly byte[] _markPrefix;
    private readonly byte[] _clearMessage;
    private readonly PlaybackTracker _playback = new();
    private readonly HangupPolicy _hangup;
    private readonly List<Task> _tasks = [];

    // The conversation as conversation.item.create events, with true roles and kinds, replayed on a reconnect.
    private readonly List<byte[]> _conversation = [];
    private readonly ToolRunner _tools;

    // Responses, under _responses: the one in progress, the function calls each has made, a response.create owed.
    private readonly object _responses = new();
    private readonly Dictionary<string, List<FunctionCall>> _calls = new(StringComparer.Ordinal);
    private string? _activeResponse;
    private bool _responseOwed;
    private bool _goodbyeOwed;
    private bool _lastAskedGoodbye;

    private byte[] _toOpenAi = ArrayPool<byte>.Shared.Rent(1024);
    private byte[] _toTwilio = ArrayPool<byte>.Shared.Rent(2048);
    private int _toOpenAiLength;
    private volatile IRealtimeLink _link;

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
    private int _ending;

    internal BridgeSession(MediaStreamSocket media, CallContext context, string streamSid, IRealtimeLink link, SessionServices services, CancellationToken aborted)
    {
        _media = media;
        _twilio = media.Socket;
        _context = context;
        _link = link;
        _services = services;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _tools = new ToolRunner(context, services.Leads, services.Time);
        _hangup = new HangupPolicy(services.Options.GoodbyeTimeout, services.Time, _playback, HangUp);
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
                await RequestResponseAsync(goodbye: false, ct).ConfigureAwait(false);
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
            // The OpenAI session ends with a close handshake, read by the still running OpenAI loop.
            Volatile.Write(ref _ending, 1);
            _hangup.Dispose();
            await CloseOpenAiAsync().ConfigureAwait(false);
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
            // What was playing when the call ended is all the caller heard of it.
            _playback.EndCall();
            StoreHeard();
            _services.Metrics.AddCall(_framesIn, _framesOut, _framesDropped, _bargeIns, _toolCalls);
            BridgeTrace.CallEnded(_services.Logger, CallSid, _clock.ElapsedMilliseconds, _framesIn, _framesOut, _bargeIns,
                _toolCalls, _droppedEvents, _reconnects, _hangup.HungUp);
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

    private long _lastTwilioMessage = Stopwatch.GetTimestamp();
    private int _closing;

    /// <summary>When Twilio last sent anything (a <see cref="Stopwatch"/> timestamp); it sends a frame every 20 ms.</summary>
    internal long LastTwilioMessage => Volatile.Read(ref _lastTwilioMessage);

    /// <summary>
    /// Has the agent say a brief closing line, then hangs up once, when it has played or at the goodbye
    /// backstop: how a call that reaches its length limit, or outlives the bridge's shutdown grace, ends.
    /// It waits for a response in progress like any goodbye; nothing happens when a goodbye is already under way.
    /// </summary>
    internal async Task SayClosingLineAsync()
    {
        if (_hangup.GoodbyePending || _hangup.HungUp || Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        // The same bookkeeping as an end_call's goodbye: the backstop starts, the tagged response's audio is awaited.
        _hangup.EndCallCompleted();
        await RequestResponseAsync(goodbye: true, _cts.Token).ConfigureAwait(false);
    }

    /// <summary>Ends a call whose Twilio socket went silent: one hangup, and the socket is dropped.</summary>
    internal void EndSilentCall()
    {
        _hangup.HangUpOnce();
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
        if (_playback.Played(seq))
        {
            StoreHeard();
        }

        _hangup.AudioPlayed();
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

            if (ct.IsCancellationRequested || Volatile.Read(ref _ending) == 1 || _twilio.State != WebSocketState.Open)
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

            // The old session's items are over: what played of them is what the caller heard.
            _playback.Reset();
            StoreHeard();
            byte[][] history;
            lock (_conversation)
            {
                history = [.. _conversation];
            }

            // The conversation so far, with true roles and kinds, so the model picks up where the caller is.
            foreach (var item in history)
            {
                await next.SendAsync(item, ct).ConfigureAwait(false);
            }

            bool resume, goodbye;
            lock (_responses)
            {
                resume = _activeResponse is not null || _responseOwed;
                goodbye = _goodbyeOwed;
                _activeResponse = null;
                _responseOwed = _goodbyeOwed = false;
                _calls.Clear();
            }

            if (_hangup.GoodbyePending)
            {
                _hangup.GoodbyeLost();
                resume = goodbye = true;
            }

            var old = _link;
            _link = next;
            old.Dispose();

            // An answer or a goodbye the caller was waiting for is asked for again; otherwise no second greeting.
            if (resume)
            {
                await RequestResponseAsync(goodbye, ct).ConfigureAwait(false);
            }

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
        int itemStart = -1, itemLength = 0, responseStart = -1, responseLength = 0, deltaStart = -1, deltaLength = 0;
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
            else if (reader.ValueTextEquals("response_id"u8))
            {
                reader.Read();
                responseStart = (int)reader.TokenStartIndex + 1;
                responseLength = reader.ValueSpan.Length;
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

        if (itemStart >= 0 && !_playback.IsCurrent(message.Span.Slice(itemStart, itemLength)))
        {
            _playback.StartItem(
                Encoding.UTF8.GetString(message.Span.Slice(itemStart, itemLength)),
                responseStart >= 0 ? Encoding.UTF8.GetString(message.Span.Slice(responseStart, responseLength)) : null);
        }

        // Encoders leave base64's '/' plain; an escaped payload (never seen) takes the slow, allocating path.
        var delta = deltaEscaped
            ? Encoding.UTF8.GetBytes(JsonDocument.Parse(message).RootElement.GetProperty("delta").GetString() ?? "")
            : message.Slice(deltaStart, deltaLength);

        // Audio still arriving for an item the caller cut off is not played.
        var bytes = DecodedLength(delta.Span);
        return _playback.Received(bytes) ? ForwardAudioAsync(delta, bytes) : ValueTask.CompletedTask;
    }

    private async ValueTask ForwardAudioAsync(ReadOnlyMemory<byte> base64, long bytes)
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

        var seq = _playback.Sent(bytes);

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
                if (Str(root, "transcript") is { Length: > 0 } said)
                {
                    AddTurn(TurnRole.Caller, said);
                    Remember(RealtimeEvents.ReplayMessage(TurnRole.Caller, said));
                }

                break;
            case "response.output_audio_transcript.done" or "response.audio_transcript.done":
                // Sent for interrupted items too, with the text generated: the turn stored is what was played.
                if (_playback.Transcript(Str(root, "item_id") ?? "", Str(root, "transcript") ?? ""))
                {
                    StoreHeard();
                }

                break;
            case "response.created":
                OnResponseCreated(root.GetProperty("response"));
                break;
            case "response.function_call_arguments.done":
                // Acted on only once its response is done and completed: GA sends this for cancelled responses too.
                lock (_responses)
                {
                    var responseId = Str(root, "response_id") ?? "";
                    if (!_calls.TryGetValue(responseId, out var calls))
                    {
                        _calls[responseId] = calls = [];
                    }

                    calls.Add(new FunctionCall(Str(root, "call_id") ?? "", Str(root, "name") ?? "", Str(root, "arguments") ?? "{}"));
                }

                break;
            case "response.done":
                await OnResponseDoneAsync(root.GetProperty("response"), ct).ConfigureAwait(false);
                break;
            case "error":
                var error = root.GetProperty("error");
                if (Str(error, "code") == "conversation_already_has_active_response")
                {
                    // Another response won the race: ask again once it is done.
                    lock (_responses)
                    {
                        _responseOwed = true;
                        _goodbyeOwed |= _lastAskedGoodbye;
                    }
                }

                if (_openAiErrorsLogged++ < 3)
                {
                    BridgeTrace.OpenAiError(_services.Logger, CallSid, Str(error, "code"), Str(error, "message"));
                }

                break;
        }
    }

    private void OnResponseCreated(JsonElement response)
    {
        var id = Str(response, "id") ?? "";
        lock (_responses)
        {
            _activeResponse = id;
        }

        if (response.TryGetProperty("metadata", out var metadata) && Str(metadata, "purpose") == RealtimeEvents.GoodbyePurpose)
        {
            _hangup.GoodbyeCreated(id);
        }
    }

    private async ValueTask OnResponseDoneAsync(JsonElement response, CancellationToken ct)
    {
        var id = Str(response, "id");
        List<FunctionCall>? calls;
        lock (_responses)
        {
            if (_activeResponse == id)
            {
                _activeResponse = null;
            }

            _calls.Remove(id ?? "", out calls);
        }

        _hangup.ResponseDone(id);
        if (calls is not { Count: > 0 })
        {
            await SendOwedResponseAsync(ct).ConfigureAwait(false);
            return;
        }

        if (Str(response, "status") == "completed")
        {
            RunCalls(calls, ct);
            return;
        }

        // Cut off (the caller spoke, or the model stopped): not run, end_call included. The model hears so
        // and can call again; after a caller's turn the server answers by itself, otherwise it is asked now.
        foreach (var call in calls)
        {
            await _link.SendAsync(RealtimeEvents.FunctionOutput(call.CallId, NotRunOutput), ct).ConfigureAwait(false);
        }

        var turnDetected = response.TryGetProperty("status_details", out var details) && Str(details, "reason") == "turn_detected";
        if (turnDetected)
        {
            await SendOwedResponseAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await RequestResponseAsync(goodbye: false, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Asks for a response now, or once the active one is done (the server refuses a second).</summary>
    private async ValueTask RequestResponseAsync(bool goodbye, CancellationToken ct)
    {
        lock (_responses)
        {
            if (_activeResponse is not null)
            {
                _responseOwed = true;
                _goodbyeOwed |= goodbye;
                return;
            }

            _lastAskedGoodbye = goodbye;
        }

        var create = !goodbye ? RealtimeEvents.ResponseCreate
            : Volatile.Read(ref _closing) == 1 ? RealtimeEvents.ClosingLineCreate
            : RealtimeEvents.GoodbyeCreate;
        await _link.SendAsync(create, ct).ConfigureAwait(false);
    }

    private async ValueTask SendOwedResponseAsync(CancellationToken ct)
    {
        bool goodbye;
        lock (_responses)
        {
            if (!_responseOwed || _activeResponse is not null)
            {
                return;
            }

            goodbye = _goodbyeOwed;
            _responseOwed = _goodbyeOwed = false;
        }

        await RequestResponseAsync(goodbye, ct).ConfigureAwait(false);
    }

    /// <summary>Barge-in: the caller speaks while agent audio is still queued at Twilio.</summary>
    private async ValueTask OnCallerSpeechAsync(CancellationToken ct)
    {
        var cuts = _playback.BargeIn();
        if (cuts.Count == 0)
        {
            return;
        }

        _bargeIns++;
        await _twilio.SendAsync(_clearMessage, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);

        // The model keeps only what the caller heard: the item playing up to its played offset, none of those queued.
        foreach (var cut in cuts)
        {
            await _link.SendAsync(RealtimeEvents.Truncate(cut.ItemId, cut.AudioEndMs), ct).ConfigureAwait(false);
        }

        StoreHeard();
    }

    /// <summary>Runs the function calls of a completed response, sends their outputs, then asks for the next response.</summary>
    private void RunCalls(List<FunctionCall> calls, CancellationToken ct) => _ = Track(async () =>
    {
        var endCall = false;
        foreach (var call in calls)
        {
            _toolCalls++;
            AddTurn(TurnRole.Tool, $"{call.Name} {call.Arguments}");
            Remember(RealtimeEvents.ReplayFunctionCall(call.CallId, call.Name, call.Arguments));
            string output;
            if (call.Name == AgentTools.EndCall)
            {
                // Let the model say goodbye; hang up once that response is done and its audio has played.
                endCall = true;
                output = """{"ok":true,"note":"say a short goodbye now"}""";
            }
            else
            {
                try
                {
                    output = await _tools.RunAsync(call.Name, call.Arguments, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    BridgeTrace.ToolFailed(_services.Logger, CallSid, call.Name, e);
                    output = """{"error":"the tool failed"}""";
                }
            }

            var item = RealtimeEvents.FunctionOutput(call.CallId, output);
            Remember(item);
            await _link.SendAsync(item, ct).ConfigureAwait(false);
        }

        if (endCall)
        {
            _hangup.EndCallCompleted();
        }

        await RequestResponseAsync(endCall, ct).ConfigureAwait(false);
    });

    private void HangUp() => _ = Track(async () =>
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

    private async Task ApologiseAndHangUpAsync()
    {
        if (_services.Apology is { Length: > 0 } apology)
        {
            try
            {
                // OpenAI's items are over; the clip plays after what was queued, then one hangup.
                _playback.Reset();
                StoreHeard();
                await ForwardAudioAsync(apology, DecodedLength(apology.Span)).ConfigureAwait(false);
                _hangup.Apologised();
                return;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        _hangup.HangUpOnce();
    }

    // ---------------------------------------------------------------- bookkeeping

    /// <summary>Stores the agent's turns the caller has now heard (cut where the caller cut in).</summary>
    private void StoreHeard()
    {
        var heard = new List<string>();
        _playback.TakeHeard(heard);
        foreach (var text in heard)
        {
            AddTurn(TurnRole.Agent, text);
            Remember(RealtimeEvents.ReplayMessage(TurnRole.Agent, text));
        }
    }

    private void Remember(byte[] item)
    {
        lock (_conversation)
        {
            _conversation.Add(item);
        }
    }

    private async Task CloseOpenAiAsync()
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

    private void AddTurn(TurnRole role, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
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

    private readonly record struct FunctionCall(string CallId, string Name, string Arguments);
}
