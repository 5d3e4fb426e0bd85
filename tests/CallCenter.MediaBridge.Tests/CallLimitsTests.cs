using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The limits a call lives under, as rules: silence ends it, length asks for the closing line once.</summary>
public sealed class CallLimitsTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxLength = TimeSpan.FromMinutes(30);

    [Fact]
    public void A_socket_silent_for_the_idle_timeout_ends_the_call()
    {
        var limits = new CallLimits(Idle, MaxLength);

        Assert.Equal("None", limits.Check(Idle - TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)).ToString());
        Assert.Equal("Silent", limits.Check(Idle, TimeSpan.FromMinutes(1)).ToString());
    }

    [Fact]
    public void The_maximum_length_asks_for_the_closing_line_once()
    {
        var limits = new CallLimits(Idle, MaxLength);

        Assert.Equal("None", limits.Check(TimeSpan.Zero, MaxLength - TimeSpan.FromMilliseconds(1)).ToString());
        Assert.Equal("TooLong", limits.Check(TimeSpan.Zero, MaxLength).ToString());
        Assert.Equal("None", limits.Check(TimeSpan.Zero, MaxLength + TimeSpan.FromMinutes(1)).ToString());
    }

    [Fact]
    public void Silence_ends_even_a_call_already_saying_its_closing_line()
    {
        var limits = new CallLimits(Idle, MaxLength);
        limits.Check(TimeSpan.Zero, MaxLength);

        Assert.Equal("Silent", limits.Check(Idle, MaxLength + Idle).ToString());
    }

    [Theory]
    [InlineData(10, 1000)]
    [InlineData(2, 500)]
    [InlineData(1, 250)]
    public void A_call_is_checked_four_times_per_idle_timeout_and_at_least_every_second(int idleSeconds, int periodMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), new CallLimits(TimeSpan.FromSeconds(idleSeconds), MaxLength).Period);
    }
}
