using CallCenter.Core.Calls;

namespace CallCenter.Core.Tests;

public sealed class CallStatusMachineTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<CallStatus> Terminals => new(CallStatusNames.All.Where(s => s.IsTerminal()));

    [Theory]
    [MemberData(nameof(Terminals))]
    public void Every_ordering_of_a_calls_callbacks_each_delivered_twice_ends_in_its_terminal_status_with_every_time_kept(CallStatus terminal)
    {
        CallStatus[] path = terminal == CallStatus.Completed
            ? [CallStatus.Queued, CallStatus.Initiated, CallStatus.Ringing, CallStatus.InProgress, CallStatus.Completed]
            : [CallStatus.Queued, CallStatus.Initiated, CallStatus.Ringing, terminal];
        var times = path.ToDictionary(s => s, s => Start.AddSeconds((int)s * 7));
        var deliveries = path.Concat(path).ToArray();

        var orderings = 0;
        foreach (var order in DistinctPermutations(deliveries))
        {
            orderings++;
            var call = NewCall();
            var changes = 0;
            foreach (var status in order)
            {
                var outcome = CallStatusMachine.Apply(call, status, times[status]);
                if (outcome is StatusOutcome.Advanced or StatusOutcome.RecordedLate)
                {
                    changes++;
                }
            }

            Assert.Equal(terminal, call.Status);
            Assert.Equal(times, call.StatusTimes);
            Assert.Equal(path.Length, changes); // each status counted once; its second delivery was a no-op
        }

        // n! / 2^k orderings of a multiset holding each of k statuses twice.
        Assert.Equal(Factorial(2 * path.Length) / (1L << path.Length), orderings);
    }

    [Fact]
    public void A_ringing_callback_arriving_after_completion_records_its_time_but_does_not_move_the_call_back()
    {
        var call = NewCall();
        CallStatusMachine.Apply(call, CallStatus.Completed, Start.AddMinutes(2));

        var outcome = CallStatusMachine.Apply(call, CallStatus.Ringing, Start);

        Assert.Equal(StatusOutcome.RecordedLate, outcome);
        Assert.Equal(CallStatus.Completed, call.Status);
        Assert.Equal(Start, call.StatusTimes[CallStatus.Ringing]);
    }

    [Fact]
    public void A_second_different_terminal_status_is_ignored_and_reports_itself()
    {
        var call = NewCall();
        CallStatusMachine.Apply(call, CallStatus.Busy, Start);

        var outcome = CallStatusMachine.Apply(call, CallStatus.Failed, Start.AddSeconds(1));

        Assert.Equal(StatusOutcome.IgnoredAfterTerminal, outcome);
        Assert.Equal(CallStatus.Busy, call.Status);
        Assert.False(call.StatusTimes.ContainsKey(CallStatus.Failed));
    }

    [Fact]
    public void A_repeated_callback_is_a_duplicate_and_keeps_the_first_time()
    {
        var call = NewCall();
        CallStatusMachine.Apply(call, CallStatus.Ringing, Start);

        var outcome = CallStatusMachine.Apply(call, CallStatus.Ringing, Start.AddSeconds(30));

        Assert.Equal(StatusOutcome.Duplicate, outcome);
        Assert.Equal(Start, call.StatusTimes[CallStatus.Ringing]);
    }

    [Theory]
    [InlineData("queued", CallStatus.Queued)]
    [InlineData("in-progress", CallStatus.InProgress)]
    [InlineData("no-answer", CallStatus.NoAnswer)]
    [InlineData("canceled", CallStatus.Canceled)]
    public void Twilio_status_names_parse_and_round_trip(string wire, CallStatus expected)
    {
        Assert.True(CallStatusNames.TryParse(wire, out var status));
        Assert.Equal(expected, status);
        Assert.Equal(wire, status.ToWire());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("InProgress")]
    [InlineData("answered")]
    [InlineData("Completed")]
    public void Unknown_status_names_do_not_parse(string? wire) => Assert.False(CallStatusNames.TryParse(wire, out _));

    private static CallLog NewCall() => new()
    {
        TenantId = "acme",
        CallSid = "CA" + new string('0', 32),
        Direction = CallDirection.Inbound,
        From = "+15550000001",
        To = "+15550000002",
    };

    private static long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    /// <summary>Every distinct ordering of a multiset, in lexicographic order (Narayana's next permutation).</summary>
    private static IEnumerable<CallStatus[]> DistinctPermutations(CallStatus[] items)
    {
        var a = items.OrderBy(x => x).ToArray();
        while (true)
        {
            yield return a;
            var i = a.Length - 2;
            while (i >= 0 && a[i] >= a[i + 1])
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            var j = a.Length - 1;
            while (a[j] <= a[i])
            {
                j--;
            }

            (a[i], a[j]) = (a[j], a[i]);
            Array.Reverse(a, i + 1, a.Length - i - 1);
        }
    }
}
