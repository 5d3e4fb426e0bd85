namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// When a call's periodic checks (the silence watch, the call's limits) fire: on a grid of <see cref="Step"/> shared
/// by every call of the process. The runtime's timer queue fires every timer due at one moment in one pass, on one
/// wake-up of its timer thread and one of a pool thread, so checks of calls started at different moments that land
/// on the same grid point cost one wake-up between them instead of one each (measured at 100 calls: with a wake-up
/// of its own per check, five a second per call, the timer thread and the pool's workers had 7.6 % of the bridge's
/// samples, on the grid 4.9 %). The step is short so that one grid point holds only a small share of the calls: at
/// most 40 points a second in all, whatever the number of calls, and no burst of every call's check at one moment.
/// </summary>
internal static class TimerGrid
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(25);

    /// <summary>From now to the first grid point at least <paramref name="after"/> from now.</summary>
    public static TimeSpan Delay(TimeProvider time, TimeSpan after)
    {
        var past = (time.GetUtcNow().UtcTicks + after.Ticks) % Step.Ticks;
        return past == 0 ? after : after + TimeSpan.FromTicks(Step.Ticks - past);
    }
}
