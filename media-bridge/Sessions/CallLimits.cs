using System.Diagnostics;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The limits a call must not pass: a Twilio socket that goes silent (Twilio sends a frame every 20 ms for as
/// long as the call is up) and the tenant's maximum call length. Silence ends the call; length asks for the
/// closing line, once. <see cref="Check"/> is the rule; <see cref="WatchAsync"/> applies it to a live call.
/// </summary>
internal sealed class CallLimits(TimeSpan idleTimeout, TimeSpan maxLength)
{
    private bool _tooLong;

    /// <summary>How often a call is checked: a quarter of the idle timeout, at most a second.</summary>
    public TimeSpan Period { get; } = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, idleTimeout.Ticks / 4));

    /// <summary>The limit reached by a call silent for <paramref name="silentFor"/> that has <paramref name="lasted"/>; the length once only.</summary>
    public CallLimit Check(TimeSpan silentFor, TimeSpan lasted)
    {
        if (silentFor >= idleTimeout)
        {
            return CallLimit.Silent;
        }

        if (!_tooLong && lasted >= maxLength)
        {
            _tooLong = true;
            return CallLimit.TooLong;
        }

        return CallLimit.None;
    }

    public static async Task WatchAsync(BridgeSession session, string callSid, TimeSpan idleTimeout, TimeSpan maxLength, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var limits = new CallLimits(idleTimeout, maxLength);
        var started = Stopwatch.GetTimestamp();

        // The first check on the calls' shared grid (one wake-up for the checks of many calls: TimerGrid), the rest on
        // a periodic timer, which keeps that schedule and, unlike a delay per check, allocates nothing per check.
        await Task.Delay(TimerGrid.Delay(time, limits.Period), time, ct).ConfigureAwait(false);
        using var ticks = new PeriodicTimer(limits.Period, time);
        do
        {
            switch (limits.Check(Stopwatch.GetElapsedTime(session.LastTwilioMessage), Stopwatch.GetElapsedTime(started)))
            {
                case CallLimit.Silent:
                    BridgeTrace.TwilioSilent(logger, callSid, (long)idleTimeout.TotalMilliseconds);
                    session.EndSilentCall();
                    return;
                case CallLimit.TooLong:
                    BridgeTrace.CallTooLong(logger, callSid, (long)maxLength.TotalSeconds);
                    await session.SayClosingLineAsync().ConfigureAwait(false);
                    break;
            }
        }
        while (await ticks.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }
}
