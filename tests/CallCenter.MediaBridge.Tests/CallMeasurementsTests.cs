using System.Text;
using CallCenter.Core.Calls;
using CallCenter.MediaBridge.Sessions;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// A call's voice-to-voice latencies and Realtime usage: measured by the bridge off the audio path, stored on the
/// call once when its stream ends.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallMeasurementsTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    // A 20 ms μ-law frame as the bridge forwards it: 160 bytes of audio, 216 characters of base64.
    private static readonly byte[] Append = Encoding.UTF8.GetBytes(
        """{"type":"input_audio_buffer.append","audio":" """[..^1] + Convert.ToBase64String(new byte[160]) + "\"}");

    [Fact]
    public async Task A_call_stores_the_greetings_and_each_turns_latency_and_the_realtime_usage_of_every_response()
    {
        await using var h = await BridgeHarness.StartAsync(
            azurite, new FakeRealtimeScript { GreetingMs = 600, ReplyMs = 400, GoodbyeMs = 400, EndCallAfterCallerTurns = 2, SilenceMsToStop = 200 });
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), CallerScripts.TwoTurns()) with { Pacing = Pacing.RealTime });
        await call.Completion.WaitAsync(CallTimeout);
        await h.WaitUntilIdleAsync();

        var stored = await BridgeHarness.Eventually(() => h.Service<CallLogStore>().GetAsync(h.TenantId, callSid), c => c?.Latency is not null);
        var latency = stored!.Latency!;

        // The greeting, the answer to the first turn, and the goodbye that answers the second (after end_call).
        Assert.Equal([LatencyTurn.Greeting, LatencyTurn.Turn, LatencyTurn.Turn], latency.Turns.Select(t => t.Kind));
        Assert.Equal(latency.Turns[0].Ms, latency.GreetingMs);

        // A turn counts from where the caller's speech ended in audio time, so it includes the 200 ms of silence
        // the caller sent (in real time) before VAD decided the turn was over.
        Assert.All(latency.Turns.Skip(1), t => Assert.InRange(t.Ms, 180, 5000));
        Assert.Equal(latency.Turns.Max(t => t.Ms), latency.MaxMs);
        Assert.InRange(latency.P50Ms, latency.Turns.Min(t => t.Ms), latency.MaxMs);
        Assert.True(latency.Turns.Zip(latency.Turns.Skip(1)).All(p => p.First.At <= p.Second.At));

        // Every response.done's usage, summed: the stand-in tallies what it sent.
        var sent = h.OpenAi.UsageTotals();
        var usage = stored.RealtimeUsage!;
        Assert.Equal("gpt-realtime", usage.Model);
        Assert.Equal<long>(sent, new[] { usage.InputTextTokens, usage.InputAudioTokens, usage.CachedTextTokens, usage.CachedAudioTokens, usage.OutputTextTokens, usage.OutputAudioTokens });
        Assert.True(usage.OutputAudioTokens > 0 && usage.InputAudioTokens > 0 && usage.CachedTextTokens > 0);
    }

    [Fact]
    public async Task A_second_write_of_the_bridges_figures_for_a_call_changes_nothing()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript());
        var (callSid, _) = await h.SeedCallAsync();
        var calls = h.Service<CallLogStore>();
        var first = CallLatency.Of([new LatencyTurn(DateTimeOffset.UtcNow, 700, LatencyTurn.Greeting)]);
        var usage = new RealtimeUsage("gpt-realtime", 10, 20, 0, 0, 5, 50);

        Assert.True(await calls.RecordBridgeMeasurementsAsync(h.TenantId, callSid, first, usage));
        Assert.False(await calls.RecordBridgeMeasurementsAsync(h.TenantId, callSid, CallLatency.Of([new LatencyTurn(DateTimeOffset.UtcNow, 9, LatencyTurn.Turn)]), usage with { OutputAudioTokens = 999 }));

        var stored = await calls.GetAsync(h.TenantId, callSid);
        Assert.Equal(700, stored!.Latency!.MaxMs);
        Assert.Equal(50, stored.RealtimeUsage!.OutputAudioTokens);
    }

    [Fact]
    public void Measuring_frames_and_turns_allocates_nothing_once_the_turn_table_has_grown_and_a_call_keeps_its_first_256_turns()
    {
        var m = new CallMeasurements(TimeProvider.System, "gpt-realtime");
        m.StreamStarted(System.Diagnostics.Stopwatch.GetTimestamp());

        // The turn table grows by doubling with turns, never with frames: 201 turns here take it to its full 256.
        for (var i = 0; i < 2000; i++)
        {
            m.AudioSent(Append);
            if (i % 10 == 9)
            {
                m.SpeechStopped(i * 20L);
                m.ResponseCreated();
            }

            m.AgentFrameSent();
        }

        Assert.Equal(1 + (2000 / 10), m.Turns); // the greeting, then one turn per end of speech

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            m.AudioSent(Append);
            if (i % 50 == 0)
            {
                m.SpeechStopped(i * 20L);
                m.ResponseCreated();
            }

            m.AgentFrameSent();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(CallMeasurements.MaxTurns, m.Turns);
        Assert.Equal(CallMeasurements.MaxTurns, m.Latency()!.Turns.Count);
    }

    [Fact]
    public void The_end_of_speech_is_placed_where_the_bridge_forwarded_that_audio_and_a_new_session_counts_from_its_own_start()
    {
        var m = new CallMeasurements(TimeProvider.System, null);
        for (var i = 0; i < 50; i++)
        {
            m.AudioSent(Append); // 1 s of audio
        }

        Thread.Sleep(300);
        m.SpeechStopped(1000); // the last frame sent, 300 ms ago
        m.ResponseCreated();
        m.AgentFrameSent();

        m.SessionReplaced();
        for (var i = 0; i < 5; i++)
        {
            m.AudioSent(Append);
        }

        m.SpeechStopped(100); // 100 ms into the new session: the frame just sent
        m.ResponseCreated();
        m.AgentFrameSent();

        var turns = m.Latency()!.Turns;
        Assert.InRange(turns[0].Ms, 290, 2000);
        Assert.InRange(turns[1].Ms, 0, 250);
        Assert.Null(m.Usage());
    }

    [Fact]
    public void Response_done_usage_is_read_by_token_kind_and_absent_usage_is_none()
    {
        var done = RealtimeEventParser.ParseControl(Encoding.UTF8.GetBytes("""
            {"type":"response.done","event_id":"e1","response":{"id":"resp_1","status":"completed","usage":{"total_tokens":175,"input_tokens":120,"output_tokens":55,
            "input_token_details":{"text_tokens":100,"audio_tokens":20,"cached_tokens":64,"cached_tokens_details":{"text_tokens":60,"audio_tokens":4}},
            "output_token_details":{"text_tokens":15,"audio_tokens":40}}}}
            """));
        var bare = RealtimeEventParser.ParseControl(Encoding.UTF8.GetBytes("""{"type":"response.done","event_id":"e2","response":{"id":"resp_2","status":"cancelled"}}"""));
        var stopped = RealtimeEventParser.ParseControl(Encoding.UTF8.GetBytes("""{"type":"input_audio_buffer.speech_stopped","event_id":"e3","audio_end_ms":2000,"item_id":"msg_3"}"""));

        Assert.Equal(new RealtimeResponseUsage(100, 20, 60, 4, 15, 40), done.Usage);
        Assert.Null(bare.Usage);
        Assert.Equal(RealtimeControlKind.SpeechStopped, stopped.Kind);
        Assert.Equal(2000, stopped.AudioEndMs);
    }
}
