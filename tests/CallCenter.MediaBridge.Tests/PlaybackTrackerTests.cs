using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>What the caller heard and what a barge-in cuts, without sockets: marks in, decisions out.</summary>
public sealed class PlaybackTrackerTests
{
    private const int Frame = 160; // 20 ms of μ-law

    private static long Send(PlaybackTracker p, string itemId, string responseId, int frames)
    {
        if (!p.IsCurrent(System.Text.Encoding.UTF8.GetBytes(itemId)))
        {
            p.StartItem(itemId, responseId);
        }

        long seq = 0;
        for (var i = 0; i < frames; i++)
        {
            Assert.True(p.Received(Frame));
            seq = p.Sent(Frame);
        }

        return seq;
    }

    [Fact]
    public void A_new_item_does_not_reset_the_played_count_of_audio_still_queued_before_it()
    {
        var p = new PlaybackTracker();
        var firstSeq = Send(p, "item_a", "resp_1", 10);   // 200 ms of item a
        Send(p, "item_b", "resp_2", 10);                   // item b queued behind it
        p.Played(firstSeq - 5);                            // 100 ms of item a played

        var cuts = p.BargeIn();

        // Item a is what the caller was hearing, at 100 ms; item b never played.
        Assert.Equal([new Truncation("item_a", 100), new Truncation("item_b", 0)], cuts);
    }

    [Fact]
    public void Barge_in_truncates_the_item_playing_when_earlier_items_have_played_in_full()
    {
        var p = new PlaybackTracker();
        var a = Send(p, "item_a", "resp_1", 5);
        var b = Send(p, "item_b", "resp_2", 10);
        p.Played(a + 3); // item a done, 60 ms of item b

        Assert.Equal([new Truncation("item_b", 60)], p.BargeIn());
        Assert.False(p.HasUnplayedAudio());
        Assert.False(p.Played(b)); // echoed after the clear: not played
    }

    [Fact]
    public void Nothing_is_truncated_when_all_audio_has_played()
    {
        var p = new PlaybackTracker();
        p.Played(Send(p, "item_a", "resp_1", 5));

        Assert.Empty(p.BargeIn());
    }

    [Fact]
    public void Audio_still_arriving_for_an_item_the_caller_cut_off_is_not_played()
    {
        var p = new PlaybackTracker();
        Send(p, "item_a", "resp_1", 5);
        p.BargeIn();

        Assert.False(p.Received(Frame));
        p.StartItem("item_b", "resp_2");
        Assert.True(p.Received(Frame));
    }

    [Fact]
    public void An_item_heard_in_full_is_stored_with_its_whole_transcript_once_its_last_mark_is_echoed()
    {
        var p = new PlaybackTracker();
        var last = Send(p, "item_a", "resp_1", 10);
        var heard = new List<string>();

        Assert.False(p.Transcript("item_a", "Hello there, how can I help?"));
        Assert.True(p.Played(last));
        p.TakeHeard(heard);

        Assert.Equal(["Hello there, how can I help?"], heard);
    }

    [Fact]
    public void A_cut_item_is_stored_up_to_the_share_of_words_its_played_audio_covers()
    {
        var p = new PlaybackTracker();
        var last = Send(p, "item_a", "resp_1", 10);
        p.Played(last - 7); // 3 of 10 frames played
        p.BargeIn();
        var heard = new List<string>();

        Assert.True(p.Transcript("item_a", "one two three four five six seven eight nine ten"));
        p.TakeHeard(heard);

        Assert.Equal(["one two three"], heard);
    }

    [Fact]
    public void An_item_cut_before_any_audio_played_stores_nothing()
    {
        var p = new PlaybackTracker();
        Send(p, "item_a", "resp_1", 10);
        p.BargeIn();
        var heard = new List<string>();

        Assert.False(p.Transcript("item_a", "never heard"));
        p.TakeHeard(heard);
        Assert.Empty(heard);
    }

    [Fact]
    public void The_per_frame_calls_of_playback_and_hangup_allocate_nothing()
    {
        var p = new PlaybackTracker();
        using var hangup = new HangupPolicy(TimeSpan.FromSeconds(15), TimeProvider.System, p, () => { });
        var id = "item_a"u8.ToArray();
        p.StartItem("item_a", "resp_1");
        for (var i = 0; i < 1000; i++)
        {
            p.Played(p.Sent(Frame)); // warms the mark queue to its working size
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            if (p.IsCurrent(id) && p.Received(Frame))
            {
                p.Played(p.Sent(Frame));
                hangup.AudioPlayed();
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Unplayed_audio_is_counted_per_response()
    {
        var p = new PlaybackTracker();
        var a = Send(p, "item_a", "resp_1", 5);
        Send(p, "item_b", "resp_goodbye", 5);
        p.Played(a);

        Assert.False(p.HasUnplayedAudio("resp_1"));
        Assert.True(p.HasUnplayedAudio("resp_goodbye"));
        Assert.True(p.HasUnplayedAudio());
    }
}
