using CallCenter.Core.Calls;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>What the bridge does when a socket drops mid-call.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FaultTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_dropped_openai_session_is_reopened_once_with_the_conversation_and_no_second_greeting()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(200),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
            new CallerStep.WaitUntilHeard(400),
        ]));
        var before = await BridgeHarness.Eventually(() => h.Service<TurnStore>().ListAsync(h.TenantId, callSid), t => t.Count >= 3);
        Assert.Equal(3, before.Count);

        Assert.Equal(1, h.OpenAi.AbortActiveSessions());
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.SessionUpdates.Count), n => n == 2);
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.MessageItems.Count), n => n == 3);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        Assert.Equal(2, h.OpenAi.Connections);
        Assert.Equal(2, h.OpenAi.SessionUpdates.Count);
        Assert.Equal(1, h.OpenAi.ResponseCreates); // the greeting only: a reconnect does not greet again
        var replayed = h.OpenAi.MessageItems.ToArray();
        Assert.Contains("Hello, thanks for calling.", replayed[0], StringComparison.Ordinal);
        Assert.Contains("caller turn 1", replayed[1], StringComparison.Ordinal);
        Assert.Equal(0, h.Twilio.TotalHangups);
    }

    [Fact]
    public async Task When_openai_cannot_be_reached_again_the_bridge_hangs_up_once()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), [new CallerStep.WaitUntilHeard(200)]));
        await BridgeHarness.Eventually(() => Task.FromResult(call.PlayedMs), ms => ms >= 200);

        h.OpenAi.RefuseConnections = true;
        h.OpenAi.AbortActiveSessions();
        await call.Completion.WaitAsync(Timeout);
        var metrics = await h.WaitUntilIdleAsync();

        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.Equal(1, metrics.Hangups);
        Assert.Equal(0, metrics.OpenSockets);
    }

    [Fact]
    public async Task A_caller_whose_socket_stops_taking_audio_leaves_nothing_behind_once_it_hangs_up()
    {
        // Half an hour of greeting sent flat out: far more than the socket buffers between bridge and caller
        // hold, so the bridge's audio sends to the caller stop completing (they carry no cancellation token).
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 1_800_000, ChunkMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), [new CallerStep.StopListening()]));
        await BridgeHarness.Eventually(() => Task.FromResult(call.MediaReceived), n => n > 0);
        await Task.Delay(TimeSpan.FromSeconds(2)); // loopback fills the buffers in well under that

        await call.HangUpAsync();
        var metrics = await h.WaitUntilIdleAsync();

        // The bridge's own gauges: its OpenAI link is disposed (the socket count) and no loop is left waiting.
        Assert.Equal(0, metrics.ActiveSessions);
        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, metrics.BackgroundTasks);
        Assert.True(call.MediaReceived < 1_800_000 / 200, "the caller stopped reading before the greeting was all sent");
    }

    [Fact]
    public async Task When_the_caller_hangs_up_the_openai_session_is_closed_with_a_close_handshake()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (callSid, _) = await h.SeedCallAsync(CallDirection.Outbound);
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid, CallDirection.Outbound), [new CallerStep.WaitUntilHeard(200), new CallerStep.HangUp()]));

        await call.Completion.WaitAsync(Timeout);
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.ActiveSessions), n => n == 0);
        var metrics = await h.WaitUntilIdleAsync();

        Assert.Equal(0, h.OpenAi.ActiveSessions);
        Assert.Equal(1, h.OpenAi.ClosedByClient); // with a close handshake, not a dropped connection
        Assert.Equal(0, metrics.ActiveSessions);
        Assert.Equal(0, h.Twilio.TotalHangups);
    }
}
