using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The calls' periodic checks share one grid, so that the timer queue fires many of them on one wake-up.</summary>
public sealed class TimerGridTests
{
    [Theory]
    [InlineData(0, 250)]
    [InlineData(3, 250)]
    [InlineData(24, 1000)]
    [InlineData(26, 1000)]
    public void A_delay_ends_on_the_first_grid_point_at_least_its_period_away(int offsetMs, int periodMs)
    {
        var time = new FakeTimeProvider();
        time.Advance(TimeSpan.FromMilliseconds(offsetMs));
        var period = TimeSpan.FromMilliseconds(periodMs);

        var delay = TimerGrid.Delay(time, period);

        Assert.InRange(delay, period, period + TimerGrid.Step - TimeSpan.FromTicks(1));
        Assert.Equal(0, (time.GetUtcNow() + delay).UtcTicks % TimerGrid.Step.Ticks);
    }

    [Fact]
    public void Silence_watches_of_calls_started_at_different_moments_check_at_the_same_moments()
    {
        var time = new FakeTimeProvider();
        var checks = new List<(int Call, DateTimeOffset At)>();
        SilenceWatch Watch(int call) => new(time, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12),
            () =>
            {
                checks.Add((call, time.GetUtcNow()));
                return true;
            },
            () => Task.FromResult(true), () => Task.CompletedTask);

        time.Advance(TimeSpan.FromMilliseconds(5));
        using var first = Watch(1);
        time.Advance(TimeSpan.FromMilliseconds(10));
        using var second = Watch(2);
        for (var i = 0; i < 400; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        var firstAt = checks.Where(c => c.Call == 1).Select(c => c.At).ToList();
        var secondAt = checks.Where(c => c.Call == 2).Select(c => c.At).ToList();
        Assert.Equal(7, firstAt.Count);
        Assert.Equal(firstAt, secondAt);
        Assert.All(firstAt, at => Assert.Equal(0, at.UtcTicks % TimerGrid.Step.Ticks));
    }
}
