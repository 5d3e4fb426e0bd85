using CallCenter.Core.Calls;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// How a call opens, by who answered (Twilio's <c>AnsweredBy</c>, signed into the stream token):
/// <list type="bullet">
/// <item>Inbound: the greeting, with server VAD answering and interrupting as usual.</item>
/// <item>Outbound to a person (or unknown): the agent speaks first, once. Until that opening has played, server
/// VAD neither answers nor interrupts and the bridge does not cut it: the callee's "Hello?" is heard by the model
/// (its item is committed) but starts no second opening. Then a session.update turns answering back on.</item>
/// <item>Outbound to a machine (after its beep): no greeting; one response saying the filled voicemail message,
/// kept as the goodbye, so the call hangs up once it has played. No message, or a fax: one hangup at once.</item>
/// </list>
/// </summary>
internal sealed class CallOpening
{
    // Speech runs at about 15 characters a second; the backstop leaves room for a slow voice.
    private static readonly TimeSpan PerCharacter = TimeSpan.FromMilliseconds(100);

    private readonly OpeningKind _kind;
    private readonly string? _message;
    private readonly PlaybackTracker _playback;
    private readonly HangupPolicy _hangup;
    private readonly ResponseFlow _responses;
    private readonly RealtimeConnection _realtime;
    private readonly TimeSpan _goodbyeTimeout;
    private readonly object _lock = new();
    private volatile bool _guarded;
    private string? _openingId;
    private bool _openingDone;
    private int _released;

    public CallOpening(CallContext context, PlaybackTracker playback, HangupPolicy hangup, ResponseFlow responses, RealtimeConnection realtime, TimeSpan goodbyeTimeout)
    {
        _playback = playback;
        _hangup = hangup;
        _responses = responses;
        _realtime = realtime;
        _goodbyeTimeout = goodbyeTimeout;
        var answeredBy = context.Claims.AnsweredBy;
        _message = context.Claims.AnsweredByMachine ? VoicemailMessages.Fill(context.Tenant, context.Lead) : null;
        _kind = context.Claims.Direction == CallDirection.Inbound ? OpeningKind.Greeting
            : context.Claims.AnsweredByMachine ? (_message is null ? OpeningKind.HangUp : OpeningKind.Voicemail)
            : answeredBy == "fax" ? OpeningKind.HangUp
            : OpeningKind.GuardedGreeting;
        _guarded = _kind != OpeningKind.Greeting;
    }

    private enum OpeningKind
    {
        Greeting,
        GuardedGreeting,
        Voicemail,
        HangUp,
    }

    /// <summary>The model may answer and interrupt by itself (server VAD); false while the opening is guarded.</summary>
    public bool RespondsToTurns => !_guarded;

    /// <summary>The opening must play whole: caller speech does not cut it.</summary>
    public bool Guarded => _guarded;

    /// <summary>A machine answered: the call is a voicemail, not a conversation (no silence re-prompts).</summary>
    public bool IsVoicemail => _kind is OpeningKind.Voicemail or OpeningKind.HangUp;

    /// <summary>Asks for the greeting or the voicemail message, or hangs up.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        switch (_kind)
        {
            case OpeningKind.Voicemail:
                _hangup.LeaveMessage(_goodbyeTimeout + (PerCharacter * _message!.Length));
                await _responses.TryAskNowAsync(CallControlEvents.VoicemailCreate(_message), goodbye: true, ct).ConfigureAwait(false);
                break;
            case OpeningKind.HangUp:
                _hangup.HangUpOnce();
                break;
            default:
                // The one greeting of the call: the prompt tells the model how to open an inbound or outbound call,
                // and nothing else in the product asks for one.
                await _responses.AskAsync(goodbye: false, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A response was created: while the opening is guarded and not done, it is the opening (a reconnect asks again).</summary>
    public void Created(RealtimeControlEvent created)
    {
        if (_kind != OpeningKind.GuardedGreeting)
        {
            return;
        }

        lock (_lock)
        {
            if (!_openingDone)
            {
                _openingId = created.ResponseId;
            }
        }
    }

    public ValueTask DoneAsync(RealtimeControlEvent done, CancellationToken ct)
    {
        if (_kind != OpeningKind.GuardedGreeting)
        {
            return ValueTask.CompletedTask;
        }

        lock (_lock)
        {
            if (_openingId is null || done.ResponseId != _openingId)
            {
                return ValueTask.CompletedTask;
            }

            _openingDone = true;
        }

        return TryReleaseAsync(ct);
    }

    /// <summary>Twilio played some audio: once the opening has played in full, the model answers turns again.</summary>
    public ValueTask AudioPlayedAsync(CancellationToken ct) =>
        _kind == OpeningKind.GuardedGreeting && _guarded ? TryReleaseAsync(ct) : ValueTask.CompletedTask;

    private async ValueTask TryReleaseAsync(CancellationToken ct)
    {
        string? id;
        lock (_lock)
        {
            if (!_openingDone)
            {
                return;
            }

            id = _openingId;
        }

        if (_playback.HasUnplayedAudio(id) || Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        _guarded = false;
        await _realtime.SendAsync(CallControlEvents.RespondToTurns, ct).ConfigureAwait(false);
    }
}
