using System.Net.WebSockets;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Simulators;
using CallCenter.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The issue's acceptance lines, end to end over real sockets on loopback.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MediaBridgeEndToEndTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("SdkSocket")]
    [InlineData("SdkProtocol")]
    public async Task A_call_gets_one_greeting_stores_its_turns_in_order_and_ends_with_one_hangup(string transport)
    {
        await using var h = await BridgeHarness.StartAsync(
            azurite,
            new FakeRealtimeScript { GreetingMs = 600, ReplyMs = 400, GoodbyeMs = 400, EndCallAfterCallerTurns = 2 },
            new Dictionary<string, string?> { ["MediaBridge:RealtimeTransport"] = transport });
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), CallerScripts.TwoTurns()));

        // The bridge hangs up after the goodbye; the fake Twilio then ends the stream.
        await call.Completion.WaitAsync(CallTimeout);
        var metrics = await h.WaitUntilIdleAsync();

        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.Equal(1, h.Twilio.TotalHangups);
        Assert.Single(h.OpenAi.SessionUpdates);
        Assert.Equal(2, h.OpenAi.ResponseCreates); // the greeting, and the goodbye after end_call
        Assert.Equal(1, metrics.Hangups);
        Assert.Equal(0, metrics.ActiveSessions);

        var turns = await BridgeHarness.Eventually(() => h.Service<TurnStore>().ListAsync(h.TenantId, callSid), t => t.Count >= 6);
        Assert.Equal(
            [TurnRole.Agent, TurnRole.Caller, TurnRole.Agent, TurnRole.Caller, TurnRole.Tool, TurnRole.Agent],
            turns.Select(t => t.Role));
        Assert.Equal(Enumerable.Range(1, 6), turns.Select(t => t.Sequence));
        Assert.Equal("Hello, thanks for calling.", turns[0].Text);
        Assert.Single(turns, t => t.Text == "Hello, thanks for calling.");
        Assert.Equal("caller turn 1", turns[1].Text);
        Assert.StartsWith("end_call", turns[4].Text, StringComparison.Ordinal);
        Assert.Equal("Goodbye.", turns[5].Text);

        // The session was configured for μ-law both ways with the tenant's voice and the voice tools.
        var update = h.OpenAi.SessionUpdates.Single();
        Assert.Contains("\"audio/pcmu\"", update, StringComparison.Ordinal);
        Assert.Contains("\"server_vad\"", update, StringComparison.Ordinal);
        Assert.Contains("\"end_call\"", update, StringComparison.Ordinal);
        Assert.True(call.Heard().Length >= 8 * (600 + 400 + 400));

        // The tenant's dashboards saw the call start, each turn in order, and its end.
        var live = await BridgeHarness.Eventually(() => Task.FromResult(LiveEventsOf(h, callSid)), e => e.LastOrDefault()?.Kind == LiveEventKind.CallEnded);
        Assert.Equal(LiveEventKind.CallStarted, live[0].Kind);
        Assert.Equal(turns.Select(t => (t.Sequence, t.Text)), live.Where(e => e.Kind == LiveEventKind.Transcript).Select(e => (e.Sequence, e.Text!)));
        Assert.Equal(LiveEventKind.CallEnded, live[^1].Kind);
    }

    [Fact]
    public async Task With_agent_audio_paced_in_real_time_the_goodbye_is_heard_in_full_before_the_one_hangup()
    {
        // OpenAI ends the response that calls end_call before the goodbye response begins: that first
        // response.done must not count as the goodbye's.
        await using var h = await BridgeHarness.StartAsync(
            azurite, new FakeRealtimeScript { GreetingMs = 600, ReplyMs = 400, GoodbyeMs = 600, EndCallAfterCallerTurns = 1, PaceAudio = true });
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(600),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]));
        await call.Completion.WaitAsync(CallTimeout);

        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.True(call.Heard().Length >= 8 * (600 + 600), $"heard {call.Heard().Length / 8} ms of agent audio");
        var turns = await BridgeHarness.Eventually(() => h.Service<TurnStore>().ListAsync(h.TenantId, callSid), t => t.Count >= 4);
        Assert.Equal("Goodbye.", turns[^1].Text);
    }

    private static List<LiveEvent> LiveEventsOf(BridgeHarness h, string callSid) =>
        h.LiveEvents.Sent.Where(m => m.Group == LiveEventWire.Group(h.TenantId))
            .SelectMany(m => JsonSerializer.Deserialize<List<LiveEvent>>(m.Message, LiveEventWire.Json)!)
            .Where(e => e.CallSid == callSid).ToList();

    [Fact]
    public async Task Caller_speech_during_agent_audio_clears_twilio_and_truncates_at_the_played_offset()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 4000, ReplyMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(400),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]) with { RealTimePlayback = true });

        var truncates = await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.Truncates.ToArray()), t => t.Length > 0);
        await BridgeHarness.Eventually(() => Task.FromResult(call.Clears), c => c > 0);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(CallTimeout);

        Assert.Equal(1, call.Clears);
        var truncate = Assert.Single(truncates);
        Assert.StartsWith("item_", truncate.ItemId, StringComparison.Ordinal);
        Assert.Equal(0, truncate.ContentIndex);

        // What the bridge reports is what the caller had played when it spoke: at least the 400 ms it waited
        // for, never more than the simulator had played when the clear arrived, and short of the whole greeting.
        Assert.InRange(truncate.AudioEndMs, 400, call.PlayedMsAtFirstClear);
        Assert.True(truncate.AudioEndMs < 4000);
        Assert.Equal(1, (await h.WaitUntilIdleAsync()).BargeIns);
    }

    public static TheoryData<string> BadTokens => new() { "forged", "expired", "other-call", "missing" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_closes_the_socket_and_opens_no_openai_session(string kind)
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript());
        var (callSid, _) = await h.SeedCallAsync();
        var options = Options.Create(new BridgeOptions { StreamUrl = h.MediaUrl, TokenSigningKey = BridgeHarness.SigningKey });
        var token = kind switch
        {
            "forged" => new StreamTokens(
                Options.Create(new BridgeOptions { StreamUrl = h.MediaUrl, TokenSigningKey = "another-key-of-at-least-thirty-two-chars!" }),
                TimeProvider.System).Issue(h.TenantId, callSid, CallDirection.Inbound),
            "expired" => new StreamTokens(options, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1))).Issue(h.TenantId, callSid, CallDirection.Inbound),
            "other-call" => h.Token("CA" + Guid.NewGuid().ToString("N")),
            _ => null,
        };

        var call = await h.CallAsync(h.CallOptions(callSid, token, [new CallerStep.Send(CallerAudio.Speech(200))]));
        await call.Completion.WaitAsync(CallTimeout);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, call.CloseStatus);
        Assert.Equal(0, h.OpenAi.Connections);
        Assert.Equal(0, call.MediaReceived);
        var metrics = await h.WaitUntilIdleAsync();
        Assert.Equal(1, metrics.RejectedStreams);
        Assert.Equal(0, metrics.FramesIn);
    }

    [Fact]
    public async Task An_unsigned_upgrade_is_refused_before_any_socket_opens()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript());
        var (callSid, _) = await h.SeedCallAsync();

        var error = await Assert.ThrowsAnyAsync<WebSocketException>(() =>
            h.CallAsync(h.CallOptions(callSid, h.Token(callSid), []) with { SignWith = "not-the-auth-token" }));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.OpenAi.Connections);
    }

    [Fact]
    public async Task A_sixty_second_call_writes_at_most_ten_information_lines()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 400, ReplyMs = 400 });
        var (callSid, _) = await h.SeedCallAsync();
        var script = new List<CallerStep>();
        for (var second = 0; second < 60; second += 2)
        {
            script.Add(new CallerStep.Send(CallerAudio.Speech(1000, seed: second)));
            script.Add(new CallerStep.Send(CallerAudio.Silence(1000)));
        }

        script.Add(new CallerStep.HangUp());
        h.Logs.Clear();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), script));
        await call.Completion.WaitAsync(CallTimeout);
        var metrics = await h.WaitUntilIdleAsync();

        Assert.Equal(3000, metrics.FramesIn); // 60 s of 20 ms frames, all relayed
        var information = h.Logs.Lines.Where(l => l.Level >= LogLevel.Information).ToList();
        Assert.InRange(information.Count, 2, 10);
        Assert.Contains(information, l => l.Message.Contains($"Call {callSid} started", StringComparison.Ordinal));
        Assert.Contains(information, l => l.Message.Contains($"Call {callSid} ended", StringComparison.Ordinal) && l.Message.Contains("frames in 3000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_hundred_back_to_back_calls_leave_no_session_socket_or_task_behind()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 100 });
        const int Calls = 200;
        for (var i = 0; i < Calls; i++)
        {
            var callSid = "CA" + Guid.NewGuid().ToString("N");
            await using var call = await SimulatedCall.StartAsync(h.CallOptions(callSid, h.Token(callSid),
            [
                new CallerStep.Send(CallerAudio.Silence(100)),
                new CallerStep.WaitUntilHeard(100),
                new CallerStep.HangUp(),
            ]));
            await call.Completion.WaitAsync(CallTimeout);
        }

        var metrics = await h.WaitUntilIdleAsync();
        Assert.Equal(Calls, metrics.CallsTotal);
        Assert.Equal(0, metrics.ActiveSessions);
        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, metrics.BackgroundTasks);
        Assert.Equal(Calls, h.OpenAi.Connections);
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.ActiveSessions), n => n == 0);
        Assert.Equal(0, h.OpenAi.ActiveSessions);
    }
}
