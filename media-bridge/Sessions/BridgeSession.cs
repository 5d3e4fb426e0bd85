using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// One phone call: relays μ-law audio between Twilio's Media Stream and an OpenAI Realtime session. Two loops:
/// Twilio → OpenAI (this method's caller's task) and OpenAI → Twilio (one task); tools and the hangup run as
/// <see cref="CallTasks"/> that end with the call. The rules live in parts this relay feeds: what the caller
/// heard and what a barge-in cuts (<see cref="PlaybackTracker"/>), responses and tools (<see cref="ResponseFlow"/>),
/// when to hang up (<see cref="HangupPolicy"/>), when to replace a lost OpenAI session (<see cref="ReconnectPolicy"/>),
/// and the wire formats (<see cref="TwilioEventParser"/>, <see cref="RealtimeEventParser"/>, <see cref="TwilioMessageWriter"/>).
/// The audio path copies base64 payloads between JSON envelopes without decoding them, allocates nothing of
/// its own per frame, writes no log and touches no storage.
/// </summary>
public sealed class BridgeSession
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TooBigLinger = TimeSpan.FromMilliseconds(500);

    private readonly MediaStreamSocket _media;
    private readonly CallContext _context;
    private readonly SessionServices _services;
    private readonly CancellationTokenSource _cts;
    private readonly TwilioMessageBuffer _inbox;
    private readonly TwilioEventParser _twilioEvents = new();
    private readonly TwilioMessageWriter _outbox;
    private readonly PlaybackTracker _playback = new();
    private readonly HangupPolicy _hangup;
    private readonly ResponseFlow _responses;
    private readonly ReconnectPolicy _reconnect = new();
    private readonly CallTranscript _transcript;
    private readonly CallTasks _tasks;
    private readonly CallCounters _counters = new();
    private readonly RealtimeConnection _realtime;
    private readonly HumanTransfer _transfer;
    private readonly CallOpening _opening;
    private readonly Keypad _keypad;
    private readonly SilenceWatch? _silence;
    private readonly CallMeasurements _measurements;

    internal BridgeSession(MediaStreamSocket media, TwilioMessageBuffer inbox, CallContext context, string streamSid, IRealtimeLink link, SessionServices services, CancellationToken aborted)
    {
        _media = media;
        _inbox = inbox;
        _context = context;
        _realtime = new RealtimeConnection(link);
        _measurements = new CallMeasurements(services.Time, services.Options.RealtimeModel);
        _services = services;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _outbox = new TwilioMessageWriter(streamSid);
        _tasks = new CallTasks(context.Claims.CallSid, services.Metrics, services.Logger);
        var hangUp = new CallHangup(services.CallControl, services.Metrics, services.Logger, context.Claims.CallSid);
        _transfer = new HumanTransfer(context, services.Calls, services.CallControl, services.Time, services.Logger);

        // An accepted transfer ends the stream by a redirect where the goodbye would hang up.
        _hangup = new HangupPolicy(services.Options.GoodbyeTimeout, services.Time, _playback,
            () => _ = _tasks.Run(_transfer.Armed ? () => _transfer.RedirectAsync(hangUp.HangUpAsync) : hangUp.HangUpAsync));
        _transcript = new CallTranscript(context.Tenant.Id, context.Claims.CallSid, services.Transcripts, services.Time,
            HumanTransfer.FirstSequence(context.Claims));
        var tools = new ToolRunner(context, services.Leads, services.Callbacks, services.Time);
        _responses = new ResponseFlow(_realtime, _hangup,
            (call, ct) => call.Name == Core.Prompts.AgentTools.TransferToHuman
                ? Task.FromResult(_transfer.Request(call.Arguments))
                : tools.AnswerAsync(call, e => BridgeTrace.ToolFailed(services.Logger, context.Claims.CallSid, call.Name, e), ct),
            _transcript, _tasks, _counters, context.Claims.CallSid, services.Logger, () => _transfer.Armed);

        // Call control (issue 18): who answered decides the opening; key presses and quiet spells reach the model.
        _opening = new CallOpening(context, _playback, _hangup, _responses, _realtime, services.Options.GoodbyeTimeout);
        _keypad = new Keypad(_realtime, _responses, _transcript);
        _silence = _opening.IsVoicemail ? null : new SilenceWatch(services.Time,
            TimeSpan.FromSeconds(context.Tenant.SilenceRepromptSeconds), TimeSpan.FromSeconds(context.Tenant.SilenceGoodbyeSeconds),
            () => _playback.HasUnplayedAudio() || _hangup.GoodbyePending || _hangup.HungUp,
            () => _responses.TryAskNowAsync(CallControlEvents.RepromptCreate, goodbye: false, _cts.Token).AsTask(),
            SayClosingLineAsync);
    }

    private string CallSid => _context.Claims.CallSid;

    /// <summary>When Twilio last sent anything (a <see cref="Stopwatch"/> timestamp); it sends a frame every 20 ms.</summary>
    internal long LastTwilioMessage => _inbox.LastMessage;

    /// <summary>The call's latencies and Realtime usage; read by the handler once the session has ended.</summary>
    internal CallMeasurements Measurements => _measurements;

    /// <summary>Configures the model, asks for the one greeting, then relays until Twilio closes the stream.</summary>
    public async Task RunAsync()
    {
        var ct = _cts.Token;
        _transcript.CallStarted();
        try
        {
            await _realtime.SendAsync(_services.SessionUpdate(_context, _opening.RespondsToTurns), ct).ConfigureAwait(false);
            if (HumanTransfer.BackFromTransfer(_context) is { } back)
            {
                _transcript.Remember(back);
                await _realtime.SendAsync(back, ct).ConfigureAwait(false);
            }

            // The one opening of the call (a greeting, or the voicemail message): see CallOpening.
            await _opening.StartAsync(ct).ConfigureAwait(false);
            _ = _tasks.Run(RunOpenAiAsync);
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
            await EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Has the agent say a brief closing line, then hangs up once, when it has played or at the goodbye
    /// backstop: how a call that reaches its length limit, or outlives the bridge's shutdown grace, ends.
    /// It waits for a response in progress like any goodbye; nothing happens when a goodbye is already under way.
    /// </summary>
    internal async Task SayClosingLineAsync()
    {
        if (_hangup.TryStartClosingLine())
        {
            await _responses.AskAsync(goodbye: true, _cts.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a call whose Twilio socket went silent: one hangup, and the socket is dropped.</summary>
    internal void EndSilentCall()
    {
        _hangup.HangUpOnce();
        _media.Abort();
    }

    private async Task RunTwilioAsync(CancellationToken ct)
    {
        while (true)
        {
            // The audio path's socket calls take no token (a cancelable one costs a registration per call); the
            // session ends them by closing or aborting. A message already buffered is handled without yielding.
            switch (await _media.ReceiveAsync(_inbox).ConfigureAwait(false))
            {
                case MediaRead.Closed:
                    return;
                case MediaRead.TooBig:
                    // The peer gets a moment to read the close frame, then the connection is dropped: what it
                    // still sends would otherwise be read into the server's buffers until the call is torn down.
                    await _media.CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                    await Task.Delay(TooBigLinger, _services.Time).ConfigureAwait(false);
                    _media.Abort();
                    return;
            }

            switch (_twilioEvents.Parse(_inbox.Message, out var markSeq))
            {
                case TwilioEvent.Media when _twilioEvents.Append.Length > 0:
                    try
                    {
                        await _realtime.SendAsync(_twilioEvents.Append, ct).ConfigureAwait(false);
                        _counters.FramesIn++;
                        _measurements.AudioSent(_twilioEvents.Append.Span);
                    }
                    catch (Exception) when (!ct.IsCancellationRequested)
                    {
                        // The OpenAI socket is down or being replaced; the reconnect path owns that.
                        _counters.FramesDropped++;
                    }

                    break;
                case TwilioEvent.Mark:
                    if (_playback.Played(markSeq))
                    {
                        _transcript.AgentHeard(_playback);
                    }

                    _hangup.AudioPlayed();
                    _silence?.AgentActive();
                    await _opening.AudioPlayedAsync(ct).ConfigureAwait(false);
                    break;
                case TwilioEvent.Dtmf when !_opening.IsVoicemail:
                    _silence?.CallerStarted();
                    _silence?.CallerFinished();
                    await _keypad.PressedAsync(_twilioEvents.Digit, ct).ConfigureAwait(false);
                    break;
                case TwilioEvent.Stop:
                    return;
            }
        }
    }

    private async Task RunOpenAiAsync()
    {
        var ct = _cts.Token;
        while (!ct.IsCancellationRequested)
        {
            Exception? error = null;
            try
            {
                await foreach (var message in _realtime.ReceiveAsync(ct).ConfigureAwait(false))
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

            var step = _reconnect.Lost(callerConnected: !ct.IsCancellationRequested && _media.State == WebSocketState.Open);
            if (step == ReconnectStep.Stop)
            {
                return;
            }

            if (step == ReconnectStep.Reconnect && await TryReconnectAsync(error, ct).ConfigureAwait(false))
            {
                continue;
            }

            BridgeTrace.OpenAiLost(_services.Logger, CallSid, error);
            await ApologiseAndHangUpAsync().ConfigureAwait(false);
            return;
        }
    }

    private ValueTask OnOpenAiMessageAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var kind = RealtimeEventParser.Read(message, out var audio);
        if (kind == RealtimeMessageKind.Control)
        {
            return OnControlEventAsync(RealtimeEventParser.ParseControl(message), ct);
        }

        if (kind != RealtimeMessageKind.Audio)
        {
            return ValueTask.CompletedTask;
        }

        if (!audio.ItemId.IsEmpty && !_playback.IsCurrent(audio.ItemId.Span))
        {
            _playback.StartItem(Encoding.UTF8.GetString(audio.ItemId.Span), audio.ResponseId.IsEmpty ? null : Encoding.UTF8.GetString(audio.ResponseId.Span));
        }

        // Audio still arriving for an item the caller cut off is not played.
        var bytes = audio.DecodedLength;
        return _playback.Received(bytes) ? ForwardAudioAsync(audio.Audio, bytes) : ValueTask.CompletedTask;
    }

    private async ValueTask ForwardAudioAsync(ReadOnlyMemory<byte> base64, long bytes)
    {
        // The frame and its mark leave in one socket send.
        var (media, mark) = _outbox.Write(base64.Span, _playback.Sent(bytes));
        await _media.SendTogetherAsync(media, mark).ConfigureAwait(false);
        _counters.FramesOut++;
        _measurements.AgentFrameSent();
    }

    private async ValueTask OnControlEventAsync(RealtimeControlEvent e, CancellationToken ct)
    {
        switch (e.Kind)
        {
            case RealtimeControlKind.SpeechStarted:
                _silence?.CallerStarted();
                await OnCallerSpeechAsync(ct).ConfigureAwait(false);
                break;
            case RealtimeControlKind.CallerTranscript:
                _silence?.CallerFinished();
                _transcript.Caller(e.Transcript);
                break;
            case RealtimeControlKind.AgentTranscript:
                // Sent for interrupted items too, with the text generated: the turn stored is what was played.
                if (_playback.Transcript(e.ItemId, e.Transcript))
                {
                    _transcript.AgentHeard(_playback);
                }

                break;
            case RealtimeControlKind.ResponseCreated:
                _silence?.CallerFinished();
                _opening.Created(e);
                _responses.Created(e);
                _measurements.ResponseCreated();
                break;
            case RealtimeControlKind.FunctionCall:
                _responses.Called(e);
                break;
            case RealtimeControlKind.ResponseDone:
                _measurements.Add(e.Usage);
                await _responses.DoneAsync(e, ct).ConfigureAwait(false);
                _silence?.AgentActive();
                await _opening.DoneAsync(e, ct).ConfigureAwait(false);
                break;
            case RealtimeControlKind.SpeechStopped:
                _measurements.SpeechStopped(e.AudioEndMs);
                break;
            case RealtimeControlKind.Error:
                _responses.Error(e);
                break;
        }
    }

    /// <summary>Barge-in: the caller speaks while agent audio is still queued at Twilio.</summary>
    private async ValueTask OnCallerSpeechAsync(CancellationToken ct)
    {
        // An outbound opening or a voicemail message plays whole (see CallOpening).
        if (_opening.Guarded)
        {
            return;
        }

        var cuts = _playback.BargeIn();
        if (cuts.Count == 0)
        {
            return;
        }

        _counters.BargeIns++;
        await _media.SendAsync(_outbox.Clear).ConfigureAwait(false);

        // The model keeps only what the caller heard: the item playing up to its played offset, none of those queued.
        foreach (var cut in cuts)
        {
            await _realtime.SendAsync(RealtimeEvents.Truncate(cut.ItemId, cut.AudioEndMs), ct).ConfigureAwait(false);
        }

        _transcript.AgentHeard(_playback);
    }

    private async Task<bool> TryReconnectAsync(Exception? error, CancellationToken ct)
    {
        BridgeTrace.OpenAiReconnecting(_services.Logger, CallSid, error);
        IRealtimeLink? next = null;
        try
        {
            next = await _services.ConnectAsync(ct).ConfigureAwait(false);
            await next.SendAsync(_services.SessionUpdate(_context, _opening.RespondsToTurns), ct).ConfigureAwait(false);

            // The old session's items are over: what played of them is what the caller heard. The conversation
            // so far is replayed with true roles and kinds, so the model picks up where the caller is.
            _playback.Reset();
            _transcript.AgentHeard(_playback);
            foreach (var item in _transcript.History())
            {
                await next.SendAsync(item, ct).ConfigureAwait(false);
            }

            var resume = _responses.Restart(out var goodbye);
            _measurements.SessionReplaced();
            _realtime.Replace(next);
            if (resume)
            {
                await _responses.AskAsync(goodbye, ct).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            next?.Dispose();
            return false;
        }
    }

    private async Task ApologiseAndHangUpAsync()
    {
        if (_services.Apology is { Length: > 0 } apology)
        {
            try
            {
                // OpenAI's items are over; the clip plays after what was queued, then one hangup.
                _playback.Reset();
                _transcript.AgentHeard(_playback);
                await ForwardAudioAsync(apology, RealtimeAudioDelta.DecodedLengthOf(apology.Span)).ConfigureAwait(false);
                _hangup.Apologised();
                return;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        _hangup.HangUpOnce();
    }

    private async Task EndAsync()
    {
        // The OpenAI session ends with a close handshake, read by the still running OpenAI loop.
        _reconnect.CallEnding();
        _silence?.Stop();
        _silence?.Dispose();
        _hangup.Dispose();
        await _realtime.CloseAsync().ConfigureAwait(false);
        await _cts.CancelAsync().ConfigureAwait(false);
        _realtime.Dispose();
        var drained = _tasks.WhenAllAsync();
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
        _transcript.AgentHeard(_playback);
        _counters.AddTo(_services.Metrics);
        BridgeTrace.CallEnded(_services.Logger, CallSid, (long)_transcript.Elapsed.TotalMilliseconds, _counters.FramesIn, _counters.FramesOut,
            _counters.BargeIns, _counters.ToolCalls, _transcript.Dropped, _reconnect.Reconnects, _hangup.HungUp);
        _transcript.CallEnded();
        _twilioEvents.Dispose();
        _outbox.Dispose();
        _cts.Dispose();
    }
}
