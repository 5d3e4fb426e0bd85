namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// When a lost OpenAI session is replaced, and what the new one is asked for. A call gets one new session;
/// a second loss, or a reconnect that fails, ends it with the apology. A session lost because the call is
/// ending, or whose caller is gone, is not replaced. The new session answers only what the caller was
/// waiting for (a response active or owed, or the goodbye of an <c>end_call</c>): it never greets twice.
/// Socket-free: the session does the connecting and the replay.
/// </summary>
internal sealed class ReconnectPolicy
{
    private const int MaxReconnects = 1;

    private int _reconnects;
    private int _ending;

    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>The call is being torn down: a session lost from now on is not replaced.</summary>
    public void CallEnding() => Volatile.Write(ref _ending, 1);

    /// <summary>The OpenAI session was lost (or would not reconnect); <paramref name="callerConnected"/> is whether Twilio's side is still up.</summary>
    public ReconnectStep Lost(bool callerConnected)
    {
        if (Volatile.Read(ref _ending) == 1 || !callerConnected)
        {
            return ReconnectStep.Stop;
        }

        if (Interlocked.Increment(ref _reconnects) > MaxReconnects)
        {
            Interlocked.Decrement(ref _reconnects);
            return ReconnectStep.Apologise;
        }

        return ReconnectStep.Reconnect;
    }

    /// <summary>
    /// The new session is up: true when a response must be asked for, with whether it is the goodbye. A goodbye
    /// still pending is lost with the old session and asked for again.
    /// </summary>
    public static bool Resume(ResponseGate responses, HangupPolicy hangup, out bool goodbye)
    {
        var resume = responses.Restart(out goodbye);
        if (hangup.GoodbyePending)
        {
            hangup.GoodbyeLost();
            resume = goodbye = true;
        }

        return resume;
    }
}
