namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// A conversation gone quiet: after the tenant's re-prompt time with neither caller speech nor agent audio, the
/// agent asks once whether the caller is still there; after the goodbye time more, it says goodbye and the call
/// hangs up once (the closing line, as for the length limit). Caller speech starts a new quiet spell (with its own
/// re-prompt); agent audio only restarts the clock. Not the held call of <see cref="CallLimits"/>: there Twilio
/// itself stops sending, here Twilio sends its frames and nobody speaks. Runs on the session's
/// <see cref="TimeProvider"/>; socket-free, the session feeds it events and gives it the two actions.
/// </summary>
internal sealed class SilenceWatch : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _reprompt;
    private readonly TimeSpan _goodbye;
    private readonly Func<bool> _agentAudible;
    private readonly Func<Task<bool>> _askReprompt;
    private readonly Func<Task> _sayGoodbye;
    private readonly object _lock = new();
    private readonly ITimer _timer;
    private long _lastActivity;
    private bool _callerSpeaking;
    private bool _reprompted;
    private bool _done;
    private int _acting;

    public SilenceWatch(TimeProvider time, TimeSpan reprompt, TimeSpan goodbye, Func<bool> agentAudible, Func<Task<bool>> askReprompt, Func<Task> sayGoodbye)
    {
        _time = time;
        _reprompt = reprompt;
        _goodbye = goodbye;
        _agentAudible = agentAudible;
        _askReprompt = askReprompt;
        _sayGoodbye = sayGoodbye;
        _lastActivity = time.GetTimestamp();
        Period = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(250).Ticks, reprompt.Ticks / 4));
        // First due on the calls' shared grid; a periodic timer then keeps its schedule, so it stays there.
        _timer = time.CreateTimer(_ => _ = CheckAsync(), null, TimerGrid.Delay(time, Period), Period);
    }

    /// <summary>How often the quiet is checked.</summary>
    public TimeSpan Period { get; }

    /// <summary>The re-prompt was asked for in this quiet spell.</summary>
    public bool Reprompted
    {
        get
        {
            lock (_lock)
            {
                return _reprompted;
            }
        }
    }

    /// <summary>The caller began to speak: the quiet is over, and a later one gets its own re-prompt.</summary>
    public void CallerStarted()
    {
        lock (_lock)
        {
            _callerSpeaking = true;
            _reprompted = false;
            _lastActivity = _time.GetTimestamp();
        }
    }

    /// <summary>The caller's turn ended (its transcript, or the response it brought): the quiet starts now.</summary>
    public void CallerFinished()
    {
        lock (_lock)
        {
            _callerSpeaking = false;
            _lastActivity = _time.GetTimestamp();
        }
    }

    /// <summary>Agent audio played, or a response was made: the clock restarts (the spell's re-prompt stays used).</summary>
    public void AgentActive() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    /// <summary>One check: the re-prompt or the goodbye when their time has come. The timer calls it; tests may too.</summary>
    public async Task CheckAsync()
    {
        // One check at a time: a slow send must not let the next tick decide again.
        if (Interlocked.Exchange(ref _acting, 1) != 0)
        {
            return;
        }

        try
        {
            bool reprompt;
            lock (_lock)
            {
                if (_done || _callerSpeaking || _agentAudible())
                {
                    if (!_done && !_callerSpeaking)
                    {
                        _lastActivity = _time.GetTimestamp();
                    }

                    return;
                }

                var quiet = _time.GetElapsedTime(_lastActivity);
                if (!_reprompted && quiet >= _reprompt)
                {
                    // Decided under the lock: the spell's one re-prompt, whatever the send does.
                    reprompt = _reprompted = true;
                    _lastActivity = _time.GetTimestamp();
                }
                else if (_reprompted && quiet >= _goodbye)
                {
                    reprompt = false;
                    _done = true;
                }
                else
                {
                    return;
                }
            }

            if (!reprompt)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                await _sayGoodbye().ConfigureAwait(false);
            }
            else if (!await _askReprompt().ConfigureAwait(false))
            {
                // A response was under way after all: the call was not quiet; the re-prompt waits for a further quiet spell.
                lock (_lock)
                {
                    _reprompted = false;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
        {
            // The call is ending.
        }
        finally
        {
            Volatile.Write(ref _acting, 0);
        }
    }

    /// <summary>No more checks (the call ended, or the bridge is ending it another way).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _done = true;
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();
}
