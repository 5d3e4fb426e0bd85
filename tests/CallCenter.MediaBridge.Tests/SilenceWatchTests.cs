using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The quiet-call rule on a fake clock: re-prompt once, goodbye after more quiet, speech starts afresh.</summary>
public sealed class SilenceWatchTests
{
    private static readonly TimeSpan Reprompt = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Goodbye = TimeSpan.FromSeconds(12);

    private readonly FakeTimeProvider _time = new();
    private bool _audible;
    private bool _gateFree = true;
    private int _reprompts;
    private int _goodbyes;

    private SilenceWatch NewWatch() => new(_time, Reprompt, Goodbye, () => _audible,
        () =>
        {
            if (_gateFree)
            {
                _reprompts++;
            }

            return Task.FromResult(_gateFree);
        },
        () =>
        {
            _goodbyes++;
            return Task.CompletedTask;
        });

    private void Pass(TimeSpan span)
    {
        // In small steps, as the watch's own timer would see the time go by.
        for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromMilliseconds(250))
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }
    }

    [Fact]
    public void A_quiet_call_is_reprompted_once_then_says_goodbye_once()
    {
        using var watch = NewWatch();

        Pass(Reprompt - TimeSpan.FromSeconds(1));
        Assert.Equal((0, 0), (_reprompts, _goodbyes));

        Pass(TimeSpan.FromSeconds(1));
        Assert.Equal((1, 0), (_reprompts, _goodbyes));

        Pass(Goodbye - TimeSpan.FromSeconds(1));
        Assert.Equal((1, 0), (_reprompts, _goodbyes));

        Pass(TimeSpan.FromSeconds(60));
        Assert.Equal((1, 1), (_reprompts, _goodbyes));
    }

    [Fact]
    public void Caller_speech_after_the_reprompt_starts_a_new_quiet_spell_with_its_own_reprompt()
    {
        using var watch = NewWatch();
        Pass(Reprompt);
        Assert.Equal(1, _reprompts);

        Pass(TimeSpan.FromSeconds(5));
        watch.CallerStarted();
        Pass(TimeSpan.FromSeconds(30)); // a long turn is not quiet
        watch.CallerFinished();
        Assert.Equal((1, 0), (_reprompts, _goodbyes));

        Pass(Reprompt);
        Assert.Equal((2, 0), (_reprompts, _goodbyes));
        Pass(Goodbye);
        Assert.Equal((2, 1), (_reprompts, _goodbyes));
    }

    [Fact]
    public void Agent_audio_still_playing_is_not_quiet_and_restarts_the_clock()
    {
        using var watch = NewWatch();
        _audible = true;
        Pass(TimeSpan.FromSeconds(60));
        Assert.Equal(0, _reprompts);

        _audible = false;
        Pass(Reprompt - TimeSpan.FromSeconds(1));
        Assert.Equal(0, _reprompts);
        watch.AgentActive();
        Pass(Reprompt - TimeSpan.FromSeconds(1));
        Assert.Equal(0, _reprompts);
        Pass(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _reprompts);
    }

    [Fact]
    public void A_reprompt_the_gate_refuses_counts_as_activity_and_is_asked_after_a_further_quiet_spell()
    {
        using var watch = NewWatch();
        _gateFree = false;
        Pass(Reprompt + TimeSpan.FromSeconds(2));
        Assert.Equal(0, _reprompts);

        // A response was under way (a tool running, say): the quiet counts from then.
        _gateFree = true;
        Pass(Reprompt - TimeSpan.FromSeconds(3));
        Assert.Equal(0, _reprompts);
        Pass(TimeSpan.FromSeconds(3));
        Assert.Equal(1, _reprompts);
        Assert.Equal(0, _goodbyes);
    }

    [Fact]
    public void A_stopped_watch_does_nothing()
    {
        using var watch = NewWatch();
        watch.Stop();
        Pass(TimeSpan.FromSeconds(60));
        Assert.Equal((0, 0), (_reprompts, _goodbyes));
    }
}
