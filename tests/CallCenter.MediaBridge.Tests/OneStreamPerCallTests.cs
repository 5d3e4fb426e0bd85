using System.Net.WebSockets;
using CallCenter.Core.Calls;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>A stream token opens one stream, of a call that is still live, on any replica.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OneStreamPerCallTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_token_opens_one_stream_only_a_later_stream_with_it_is_refused_during_and_after_the_call()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var token = h.Token(callSid);
        var first = await h.CallAsync(h.CallOptions(callSid, token, [new CallerStep.WaitUntilHeard(200)]));
        await BridgeHarness.Eventually(() => Task.FromResult(first.PlayedMs), ms => ms >= 200);

        var during = await TryStreamAsync(h, callSid, token);
        await first.HangUpAsync();
        await first.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();
        var after = await TryStreamAsync(h, callSid, token);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, during);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, after);
        Assert.Equal(1, h.OpenAi.Connections);
        Assert.Equal(2, (await h.MetricsAsync()).RejectedStreams);
    }

    [Fact]
    public async Task Of_two_streams_started_at_once_with_one_token_exactly_one_is_taken()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var token = h.Token(callSid);
        await using var a = await RawMediaSocket.ConnectAsync(h);
        await using var b = await RawMediaSocket.ConnectAsync(h);

        await Task.WhenAll(a.SendAsync(RawMediaSocket.Start(callSid, token)), b.SendAsync(RawMediaSocket.Start(callSid, token)));
        var closes = new[] { a.WaitForCloseAsync(TimeSpan.FromSeconds(5)), b.WaitForCloseAsync(TimeSpan.FromSeconds(5)) };
        var refused = await Task.WhenAny(closes);
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.Connections), n => n == 1);
        var otherStillOpen = !closes.Single(c => c != refused).IsCompleted;

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await refused);
        Assert.True(otherStillOpen, "the stream that took the call is live");
        Assert.Equal(1, h.OpenAi.Connections);
        Assert.Equal(1, (await h.MetricsAsync()).RejectedStreams);
    }

    [Fact]
    public async Task A_token_used_on_one_replica_is_refused_by_another()
    {
        var prefix = "b" + Guid.NewGuid().ToString("N")[..12];
        var shared = new Dictionary<string, string?> { ["Storage:TablePrefix"] = prefix };
        await using var one = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 }, shared);
        await using var two = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 }, shared, one.TenantId);
        var (callSid, _) = await one.SeedCallAsync();
        var token = one.Token(callSid);
        var call = await one.CallAsync(one.CallOptions(callSid, token, [new CallerStep.WaitUntilHeard(200)]));
        await BridgeHarness.Eventually(() => Task.FromResult(call.PlayedMs), ms => ms >= 200);

        var onTheOtherReplica = await TryStreamAsync(two, callSid, token);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, onTheOtherReplica);
        Assert.Equal(0, two.OpenAi.Connections);
        Assert.Equal(1, one.OpenAi.Connections);
    }

    [Fact]
    public async Task A_call_whose_status_is_terminal_gets_no_stream()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        foreach (var status in new[] { CallStatus.Completed, CallStatus.Canceled, CallStatus.Failed })
        {
            var (callSid, _) = await h.SeedCallAsync();
            await MarkAsync(h, callSid, status);

            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await TryStreamAsync(h, callSid, h.Token(callSid)));
            Assert.Null(await h.Service<StreamBindings>().BoundStreamAsync(callSid, default));
        }

        Assert.Equal(0, h.OpenAi.Connections);
    }

    [Fact]
    public async Task A_completed_call_reopened_with_an_older_token_gets_no_new_turns_and_no_openai_session()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var olderToken = h.Token(callSid);
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(200),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
            new CallerStep.WaitUntilHeard(400),
            new CallerStep.HangUp(),
        ]));
        await call.Completion.WaitAsync(Timeout);
        var turns = await BridgeHarness.Eventually(() => h.Service<TurnStore>().ListAsync(h.TenantId, callSid), t => t.Count >= 3);
        await h.WaitUntilIdleAsync();
        await MarkAsync(h, callSid, CallStatus.Completed);

        var replay = await h.CallAsync(h.CallOptions(callSid, olderToken,
            [new CallerStep.Send(CallerAudio.Speech(400)), new CallerStep.Send(CallerAudio.Silence(400))]));
        await replay.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, replay.CloseStatus);
        Assert.Equal(turns.Count, (await h.Service<TurnStore>().ListAsync(h.TenantId, callSid)).Count);
        Assert.Equal(1, h.OpenAi.Connections);
        Assert.Equal(0, replay.MediaReceived);
    }

    private static async Task<WebSocketCloseStatus?> TryStreamAsync(BridgeHarness h, string callSid, string token)
    {
        await using var socket = await RawMediaSocket.StartAsync(h, RawMediaSocket.Start(callSid, token));
        return await socket.WaitForCloseAsync(TimeSpan.FromSeconds(30));
    }

    private static Task MarkAsync(BridgeHarness h, string callSid, CallStatus status) =>
        h.Service<CallLogStore>().UpdateAsync(h.TenantId, callSid, c =>
        {
            c.Status = status;
            return true;
        });
}
