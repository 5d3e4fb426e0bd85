using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The call's words: numbered turns to the transcript queue, and the conversation kept for a new OpenAI session.</summary>
public sealed class CallTranscriptTests
{
    private readonly BridgeMetrics _metrics = new();

    private TranscriptQueue NewQueue(int capacity = 64) =>
        new(Options.Create(new MediaBridgeOptions { TranscriptQueueCapacity = capacity }), _metrics);

    private static List<TranscriptItem> Drain(TranscriptQueue queue)
    {
        var items = new List<TranscriptItem>();
        while (queue.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public void Turns_are_numbered_in_order_between_the_calls_start_and_end_and_blank_ones_are_skipped()
    {
        var queue = NewQueue();
        var transcript = new CallTranscript("acme", "CA1", queue, new FakeTimeProvider());

        transcript.CallStarted();
        transcript.Caller("Hello?");
        transcript.Caller("   ");
        transcript.Tool(new FunctionCall("call_1", "lookup_lead", "{}"));
        transcript.CallEnded();

        var items = Drain(queue);
        Assert.Equal([LiveEventKind.CallStarted, LiveEventKind.Transcript, LiveEventKind.Transcript, LiveEventKind.CallEnded], items.Select(i => i.Live.Kind));
        Assert.All(items, i => Assert.Equal("acme", i.TenantId));
        Assert.Equal([(1, TurnRole.Caller, "Hello?"), (2, TurnRole.Tool, "lookup_lead {}")],
            items.Where(i => i.Turn is not null).Select(i => (i.Turn!.Sequence, i.Turn.Role, i.Turn.Text)));
        Assert.Equal(2, items[^1].Live.Sequence);
    }

    [Fact]
    public void The_agent_turns_stored_are_those_the_caller_heard()
    {
        var queue = NewQueue();
        var transcript = new CallTranscript("acme", "CA1", queue, new FakeTimeProvider());
        var playback = new PlaybackTracker();
        playback.StartItem("item_1", "resp_1");
        playback.Received(1600);
        var mark = playback.Sent(1600);
        playback.Transcript("item_1", "Hi, this is Acme.");

        transcript.AgentHeard(playback);
        Assert.Empty(Drain(queue));

        playback.Played(mark);
        transcript.AgentHeard(playback);
        var turn = Assert.Single(Drain(queue)).Turn!;
        Assert.Equal((TurnRole.Agent, "Hi, this is Acme."), (turn.Role, turn.Text));
    }

    [Fact]
    public void The_history_replays_what_was_said_and_done_in_order_with_true_roles()
    {
        var transcript = new CallTranscript("acme", "CA1", NewQueue(), new FakeTimeProvider());
        transcript.Caller("Call me back tomorrow.");
        transcript.Tool(new FunctionCall("call_1", "schedule_callback", """{"at":"2026-12-03T09:00:00Z"}"""));
        transcript.Remember(RealtimeEvents.FunctionOutput("call_1", """{"ok":true}"""));

        var items = transcript.History().Select(e => JsonDocument.Parse(e).RootElement.GetProperty("item")).ToList();

        Assert.Equal(["message", "function_call", "function_call_output"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("user", items[0].GetProperty("role").GetString());
        Assert.Equal("schedule_callback", items[1].GetProperty("name").GetString());
        Assert.Equal("call_1", items[2].GetProperty("call_id").GetString());
    }

    [Fact]
    public void Events_the_full_queue_drops_are_counted_for_the_call()
    {
        var queue = NewQueue(capacity: 16);
        var transcript = new CallTranscript("acme", "CA1", queue, new FakeTimeProvider());

        for (var i = 0; i < 20; i++)
        {
            transcript.Caller($"turn {i}");
        }

        Assert.Equal(4, transcript.Dropped);
        Assert.Equal(20, transcript.History().Length);
    }
}
