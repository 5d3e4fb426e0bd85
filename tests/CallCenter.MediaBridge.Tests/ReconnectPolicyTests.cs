using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>When a lost OpenAI session is replaced, and what the new one is asked for, without sockets.</summary>
public sealed class ReconnectPolicyTests
{
    [Fact]
    public void The_first_loss_reconnects_and_the_second_apologises()
    {
        var policy = new ReconnectPolicy();

        Assert.Equal("Reconnect", policy.Lost(callerConnected: true).ToString());
        Assert.Equal("Apologise", policy.Lost(callerConnected: true).ToString());
        Assert.Equal("Apologise", policy.Lost(callerConnected: true).ToString());
        Assert.Equal(1, policy.Reconnects);
    }

    [Fact]
    public void A_session_lost_while_the_call_is_ending_is_not_replaced()
    {
        var policy = new ReconnectPolicy();
        policy.CallEnding();

        Assert.Equal("Stop", policy.Lost(callerConnected: true).ToString());
        Assert.Equal(0, policy.Reconnects);
    }

    [Fact]
    public void A_session_lost_after_the_caller_hung_up_is_not_replaced()
    {
        var policy = new ReconnectPolicy();

        Assert.Equal("Stop", policy.Lost(callerConnected: false).ToString());
        Assert.Equal("Reconnect", policy.Lost(callerConnected: true).ToString());
    }

    [Fact]
    public void A_new_session_does_not_greet_again_when_the_caller_was_waiting_for_nothing()
    {
        var responses = new ResponseGate();
        responses.Created("resp_greeting");
        responses.Done("resp_greeting");
        using var hangup = new HangupPolicy(TimeSpan.FromSeconds(15), new FakeTimeProvider(), new PlaybackTracker(), () => { });

        Assert.False(ReconnectPolicy.Resume(responses, hangup, out _));
    }

    [Fact]
    public void A_new_session_answers_the_response_that_was_cut_off()
    {
        var responses = new ResponseGate();
        responses.Created("resp_answer");
        using var hangup = new HangupPolicy(TimeSpan.FromSeconds(15), new FakeTimeProvider(), new PlaybackTracker(), () => { });

        Assert.True(ReconnectPolicy.Resume(responses, hangup, out var goodbye));
        Assert.False(goodbye);
    }

    [Fact]
    public void A_goodbye_pending_when_the_session_was_lost_is_asked_for_again_and_its_old_response_no_longer_counts()
    {
        var responses = new ResponseGate();
        var hangups = 0;
        using var hangup = new HangupPolicy(TimeSpan.FromSeconds(15), new FakeTimeProvider(), new PlaybackTracker(), () => hangups++);
        hangup.EndCallCompleted();
        hangup.GoodbyeCreated("resp_lost");

        Assert.True(ReconnectPolicy.Resume(responses, hangup, out var goodbye));
        Assert.True(goodbye);
        hangup.ResponseDone("resp_lost");
        Assert.Equal(0, hangups);
        Assert.True(hangup.GoodbyePending);
    }
}
