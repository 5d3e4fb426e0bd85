using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>When the bridge hangs up after end_call, without sockets: events in, hangups counted.</summary>
public sealed class HangupPolicyTests
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(15);

    private readonly FakeTimeProvider _time = new();
    private readonly PlaybackTracker _playback = new();
    private int _hangups;

    private HangupPolicy NewPolicy() => new(Backstop, _time, _playback, () => _hangups++);

    private long Send(string itemId, string responseId, int frames)
    {
        _playback.StartItem(itemId, responseId);
        long seq = 0;
        for (var i = 0; i < frames; i++)
        {
            _playback.Received(160);
            seq = _playback.Sent(160);
        }

        return seq;
    }

    [Fact]
    public void The_goodbye_is_done_when_its_own_responses_audio_has_played()
    {
        using var policy = NewPolicy();
        policy.EndCallCompleted();
        policy.GoodbyeCreated("resp_bye");
        var last = Send("item_bye", "resp_bye", 10);
        policy.ResponseDone("resp_bye");
        Assert.Equal(0, _hangups); // its audio is still queued at Twilio

        _playback.Played(last - 1);
        policy.AudioPlayed();
        Assert.Equal(0, _hangups);

        _playback.Played(last);
        policy.AudioPlayed();
        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void Another_response_finishing_first_does_not_cut_the_goodbye()
    {
        using var policy = NewPolicy();
        policy.EndCallCompleted();
        policy.GoodbyeCreated("resp_bye");
        var bye = Send("item_bye", "resp_bye", 10);

        // A tool's answer running alongside ends first, and all of its audio plays.
        var other = Send("item_tool", "resp_tool", 2);
        policy.ResponseDone("resp_tool");
        _playback.Played(bye - 5);
        policy.AudioPlayed();
        Assert.Equal(0, _hangups);

        policy.ResponseDone("resp_bye");
        _playback.Played(other);
        policy.AudioPlayed();
        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void The_backstop_hangs_up_once_when_no_mark_confirms_the_goodbye()
    {
        using var policy = NewPolicy();
        policy.EndCallCompleted();
        policy.GoodbyeCreated("resp_bye");
        Send("item_bye", "resp_bye", 10);
        policy.ResponseDone("resp_bye");

        _time.Advance(Backstop - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, _hangups);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _hangups);

        _playback.Played(long.MaxValue);
        policy.AudioPlayed();
        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void A_second_end_call_does_not_restart_the_backstop()
    {
        using var policy = NewPolicy();
        policy.EndCallCompleted();
        _time.Advance(TimeSpan.FromSeconds(10));
        policy.EndCallCompleted();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void Without_an_end_call_nothing_hangs_up()
    {
        using var policy = NewPolicy();
        policy.GoodbyeCreated("resp_1");
        policy.ResponseDone("resp_1");
        policy.AudioPlayed();
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, _hangups);
        Assert.False(policy.GoodbyePending);
    }

    [Fact]
    public void A_goodbye_lost_with_its_session_is_pending_until_the_next_goodbye_response_plays()
    {
        using var policy = NewPolicy();
        policy.EndCallCompleted();
        policy.GoodbyeCreated("resp_lost");
        policy.GoodbyeLost();
        Assert.True(policy.GoodbyePending);
        policy.ResponseDone("resp_lost");
        Assert.True(policy.GoodbyePending);

        policy.GoodbyeCreated("resp_again");
        _playback.Played(Send("item_again", "resp_again", 3));
        policy.ResponseDone("resp_again");

        Assert.False(policy.GoodbyePending);
        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void The_apology_hangs_up_once_everything_queued_has_played()
    {
        using var policy = NewPolicy();
        _playback.Reset();
        var last = _playback.Sent(8000);
        policy.Apologised();
        Assert.Equal(0, _hangups);

        _playback.Played(last);
        policy.AudioPlayed();
        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void A_closing_line_is_asked_for_once_and_hangs_up_when_it_has_played()
    {
        using var policy = NewPolicy();

        Assert.True(policy.TryStartClosingLine());
        Assert.False(policy.TryStartClosingLine());
        Assert.True(policy.ClosingLine);
        Assert.True(policy.GoodbyePending);

        policy.GoodbyeCreated("resp_close");
        var last = Send("item_close", "resp_close", 5);
        policy.ResponseDone("resp_close");
        _playback.Played(last);
        policy.AudioPlayed();
        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void A_closing_line_that_never_plays_is_ended_by_the_backstop()
    {
        using var policy = NewPolicy();
        policy.TryStartClosingLine();

        _time.Advance(Backstop);

        Assert.Equal(1, _hangups);
    }

    [Fact]
    public void No_closing_line_is_asked_for_while_an_end_calls_goodbye_is_under_way()
    {
        using var policy = NewPolicy();
        policy.EndCallCompleted();

        Assert.False(policy.TryStartClosingLine());
        Assert.False(policy.ClosingLine);
    }

    [Fact]
    public void No_closing_line_is_asked_for_once_the_call_has_hung_up()
    {
        using var policy = NewPolicy();
        Assert.True(policy.HangUpOnce());

        Assert.False(policy.TryStartClosingLine());
        Assert.False(policy.HangUpOnce());
        Assert.Equal(1, _hangups);
    }
}
