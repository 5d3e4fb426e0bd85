using System.Diagnostics;
using CallCenter.Core.Calls;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The OpenAI Realtime server's state rules, end to end against the strict stand-in.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RealtimeRulesTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_tool_answer_and_the_next_response_wait_for_the_calling_response_to_finish()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript
        {
            GreetingMs = 200,
            ToolAfterFirstTurn = ("update_lead", """{"status":"qualified","note":"wants a quote"}"""),
            FunctionResponseDoneDelayMs = 300,
        });
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(200),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]));
        var turns = await BridgeHarness.Eventually(
            () => h.Service<TurnStore>().ListAsync(h.TenantId, callSid), t => t.Any(x => x.Text == "Done."), TimeSpan.FromSeconds(15));
        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);

        // The model answered the tool: nothing was refused, and the caller heard the answer.
        Assert.Empty(h.OpenAi.Errors);
        Assert.Single(h.OpenAi.FunctionOutputs);
        Assert.Contains(turns, t => t.Role == TurnRole.Agent && t.Text == "Done.");
    }

    [Fact]
    public async Task A_cancelled_end_call_does_not_end_the_call()
    {
        await using var h = await BridgeHarness.StartAsync(
            azurite,
            new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 200, EndCallAfterCallerTurns = 1, FunctionCallMs = 1000 },
            new Dictionary<string, string?> { ["MediaBridge:GoodbyeTimeout"] = "00:00:02" });
        var (callSid, _) = await h.SeedCallAsync();

        // The caller cuts in while the model is still calling end_call.
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(200),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(300)),
            new CallerStep.Send(CallerAudio.Speech(400, seed: 2)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]) with { Pacing = Pacing.RealTime });

        var responses = await BridgeHarness.Eventually(
            () => Task.FromResult(h.OpenAi.Responses.ToArray()), r => r.Any(x => x.Transcript == "agent reply 2" && x.Status == "completed"), TimeSpan.FromSeconds(15));
        Assert.Contains(responses, r => r.Transcript is null && r.Status == "cancelled");

        // Twice the goodbye backstop: the call is still up.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(0, h.Twilio.HangupsFor(callSid));
        Assert.False(call.Completion.IsCompleted);
        Assert.Empty(h.OpenAi.Errors);

        // The model was told the call is not ended, so it can ask again.
        var output = Assert.Single(h.OpenAi.FunctionOutputs);
        Assert.DoesNotContain("goodbye", output.Output, StringComparison.OrdinalIgnoreCase);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_reconnect_replays_tool_turns_as_function_items_and_resumes_the_pending_goodbye()
    {
        await using var h = await BridgeHarness.StartAsync(
            azurite, new FakeRealtimeScript { GreetingMs = 200, GoodbyeMs = 3000, EndCallAfterCallerTurns = 1, PaceAudio = true });
        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(200),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]));

        // The goodbye is playing when the OpenAI connection drops.
        await BridgeHarness.Eventually(() => Task.FromResult(call.PlayedMs), ms => ms >= 400, TimeSpan.FromSeconds(15));
        var before = h.OpenAi.ClientItems.Count;
        var dropped = Stopwatch.StartNew();
        Assert.Equal(1, h.OpenAi.AbortActiveSessions());
        await call.Completion.WaitAsync(Timeout);
        dropped.Stop();

        // Replayed with their true kinds: the caller never "said" end_call.
        var replayed = h.OpenAi.ClientItems.Skip(before).ToArray();
        Assert.Contains(replayed, i => i.Contains("\"type\":\"function_call\"", StringComparison.Ordinal) && i.Contains("\"end_call\"", StringComparison.Ordinal));
        Assert.Contains(replayed, i => i.Contains("\"type\":\"function_call_output\"", StringComparison.Ordinal));
        Assert.DoesNotContain(replayed, i => i.Contains("\"role\":\"user\"", StringComparison.Ordinal) && i.Contains("end_call", StringComparison.Ordinal));

        // The goodbye was asked for again and played: the hangup came well before the 20 s backstop.
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.True(dropped.Elapsed < TimeSpan.FromSeconds(12), $"hung up {dropped.Elapsed} after the drop");
        Assert.Equal(3, h.OpenAi.ResponseCreates); // greeting, goodbye, the goodbye again after the reconnect
        Assert.Empty(h.OpenAi.Errors);
    }

    [Fact]
    public async Task The_stored_agent_turn_is_what_the_caller_heard_cut_where_the_caller_cut_in()
    {
        var words = Enumerable.Range(1, 20).Select(i => $"w{i}").ToArray();
        await using var h = await BridgeHarness.StartAsync(
            azurite, new FakeRealtimeScript { GreetingMs = 4000, GreetingText = string.Join(' ', words), ReplyMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(600),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(400)),
        ]) with { RealTimePlayback = true });

        var turns = await BridgeHarness.Eventually(() => h.Service<TurnStore>().ListAsync(h.TenantId, callSid), t => t.Count >= 3, TimeSpan.FromSeconds(15));
        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);

        var truncate = Assert.Single(h.OpenAi.Truncates);
        var stored = turns[0];
        Assert.Equal(TurnRole.Agent, stored.Role);
        var heard = stored.Text.Split(' ');
        Assert.Equal(words[..heard.Length], heard);
        Assert.InRange(heard.Length, 1, (int)Math.Ceiling(words.Length * truncate.AudioEndMs / 4000.0));
    }
}
