using System.Diagnostics;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Watches one call for the limits it must not pass: a Twilio socket that goes silent (Twilio sends a frame
/// every 20 ms for as long as the call is up) and the tenant's maximum call length.
/// </summary>
internal static class CallLimits
{
    public static async Task WatchAsync(BridgeSession session, string callSid, TimeSpan idleTimeout, TimeSpan maxLength, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var period = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, idleTimeout.Ticks / 4));
        var closing = false;
        while (true)
        {
            await Task.Delay(period, time, ct).ConfigureAwait(false);
            if (Stopwatch.GetElapsedTime(session.LastTwilioMessage) >= idleTimeout)
            {
                BridgeTrace.TwilioSilent(logger, callSid, (long)idleTimeout.TotalMilliseconds);
                session.EndSilentCall();
                return;
            }

            if (!closing && Stopwatch.GetElapsedTime(started) >= maxLength)
            {
                closing = true;
                BridgeTrace.CallTooLong(logger, callSid, (long)maxLength.TotalSeconds);
                await session.SayClosingLineAsync().ConfigureAwait(false);
            }
        }
    }
}
