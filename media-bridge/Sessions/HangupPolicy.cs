namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// When the bridge hangs up after the model ends the call. Once an <c>end_call</c> has completed, the model
/// is asked for a goodbye and a backstop timer starts; the goodbye is done when its own response is done
/// and the audio of that response has played (its last mark echoed), whatever other responses do meanwhile.
/// The apology after a lost OpenAI session waits for all queued audio instead. Either way, exactly one
/// hangup, by the first of those or the backstop. When the bridge itself ends the call (its length limit, a
/// replica shutting down) the model is asked for a closing line once, kept like an end_call's goodbye.
/// Socket-free: the session feeds it events.
/// </summary>
public sealed class HangupPolicy(TimeSpan backstop, TimeProvider time, PlaybackTracker playback, Action hangUp) : IDisposable
{
    private readonly object _lock = new();
    private ITimer? _backstop;
    private bool _armed;
    private bool _allAudio;
    private string? _goodbyeId;
    private bool _goodbyeDone;
    private int _hungUp;
    private int _closing;

    /// <summary>An end_call completed but its goodbye has not finished: a new OpenAI session must ask for it again.</summary>
    public bool GoodbyePending
    {
        get
        {
            lock (_lock)
            {
                return _armed && !_goodbyeDone;
            }
        }
    }

    public bool HungUp => Volatile.Read(ref _hungUp) == 1;

    /// <summary>The bridge, not the model, is ending the call: the goodbye asked for is the closing line.</summary>
    public bool ClosingLine => Volatile.Read(ref _closing) == 1;

    /// <summary>
    /// The bridge ends the call: true once, when a closing line is to be asked for now (the backstop starts as
    /// for an end_call); false when a goodbye is already under way or the call has hung up.
    /// </summary>
    public bool TryStartClosingLine()
    {
        if (GoodbyePending || HungUp || Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return false;
        }

        EndCallCompleted();
        return true;
    }

    /// <summary>An end_call's response completed: the goodbye is asked for now, and the backstop starts.</summary>
    public void EndCallCompleted() => Arm(allAudio: false, done: false);

    /// <summary>The response asked for as the goodbye was created.</summary>
    public void GoodbyeCreated(string responseId)
    {
        lock (_lock)
        {
            if (_armed && !_goodbyeDone)
            {
                _goodbyeId = responseId;
            }
        }
    }

    /// <summary>A response is done: when it is the goodbye, the hangup waits only for its audio to play.</summary>
    public void ResponseDone(string? responseId)
    {
        lock (_lock)
        {
            if (!_armed || _goodbyeDone || _goodbyeId is null || _goodbyeId != responseId)
            {
                return;
            }

            _goodbyeDone = true;
        }

        AudioPlayed();
    }

    /// <summary>The goodbye's response was lost with its OpenAI session; the next goodbye response counts instead.</summary>
    public void GoodbyeLost()
    {
        lock (_lock)
        {
            _goodbyeId = null;
        }
    }

    /// <summary>The apology clip was queued after OpenAI was lost: hang up once everything queued has played.</summary>
    public void Apologised() => Arm(allAudio: true, done: true);

    /// <summary>Twilio played some audio: the goodbye may now be heard in full.</summary>
    public void AudioPlayed()
    {
        string? id;
        lock (_lock)
        {
            if (!_goodbyeDone)
            {
                return;
            }

            id = _allAudio ? null : _goodbyeId;
        }

        if (!playback.HasUnplayedAudio(id))
        {
            HangUpOnce();
        }
    }

    /// <summary>Exactly one hangup per call, whichever path asks first.</summary>
    public bool HangUpOnce()
    {
        if (Interlocked.Exchange(ref _hungUp, 1) != 0)
        {
            return false;
        }

        hangUp();
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _backstop?.Dispose();
        }
    }

    /// <summary>
    /// A voicemail message is asked for as the goodbye (the bridge ends the call): the hangup follows once it
    /// has played, or at <paramref name="messageBackstop"/>, long enough for a message longer than a goodbye.
    /// </summary>
    public void LeaveMessage(TimeSpan messageBackstop)
    {
        Interlocked.Exchange(ref _closing, 1);
        Arm(allAudio: false, done: false, messageBackstop);
    }

    private void Arm(bool allAudio, bool done, TimeSpan? after = null)
    {
        lock (_lock)
        {
            _allAudio |= allAudio;
            _goodbyeDone |= done;
            if (_armed)
            {
                return;
            }

            _armed = true;
            _backstop = time.CreateTimer(_ => HangUpOnce(), null, after ?? backstop, Timeout.InfiniteTimeSpan);
        }

        AudioPlayed();
    }
}
