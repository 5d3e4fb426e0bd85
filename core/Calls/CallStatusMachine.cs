namespace CallCenter.Core.Calls;

/// <summary>
/// The one place that decides how a call's status moves: only forward, a terminal status absorbs, and a
/// repeated or late report changes nothing but filling in a status time that was still missing.
/// </summary>
public static class CallStatusMachine
{
    public static bool IsTerminal(this CallStatus status) => status >= CallStatus.Completed;

    /// <summary>Terminal statuses share one rank: whichever arrives first is the call's end.</summary>
    public static int Rank(CallStatus status) => status.IsTerminal() ? (int)CallStatus.Completed : (int)status;

    /// <summary>Applies a report of <paramref name="reported"/> seen at <paramref name="at"/> to <paramref name="call"/>.</summary>
    public static StatusOutcome Apply(CallLog call, CallStatus reported, DateTimeOffset at)
    {
        var current = call.Status;
        if (current is null || Rank(reported) > Rank(current.Value))
        {
            call.Status = reported;
            call.StatusTimes[reported] = at;
            return StatusOutcome.Advanced;
        }

        if (reported == current)
        {
            return StatusOutcome.Duplicate;
        }

        if (reported.IsTerminal())
        {
            return StatusOutcome.IgnoredAfterTerminal;
        }

        // An earlier status that arrived after a later one: keep its time, never move back.
        return call.StatusTimes.TryAdd(reported, at) ? StatusOutcome.RecordedLate : StatusOutcome.Duplicate;
    }
}
