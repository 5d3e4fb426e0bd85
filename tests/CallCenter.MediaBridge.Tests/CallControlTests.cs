using System.Diagnostics;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// Call control through the real bridge, the fake Realtime server (server VAD and all) and the fake Twilio API:
/// key presses, quiet calls, and who answered an outbound call.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallControlTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Key_presses_reach_the_model_in_order_and_are_stored_as_dtmf_turns()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid),
            [new CallerStep.WaitUntilHeard(200), new CallerStep.Dtmf("3"), new CallerStep.Dtmf("1#"), new CallerStep.Send(CallerAudio.Silence(400))]));

        var turns = await BridgeHarness.Eventually(() => h.Service<TurnStore>().ListAsync(h.TenantId, callSid),
            t => t.Count(x => x.Role == TurnRole.Dtmf) == 3, TimeSpan.FromSeconds(15));
        await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.Responses.Count), n => n >= 2, TimeSpan.FromSeconds(15));
        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        Assert.Equal(["pressed 3", "pressed 1", "pressed #"], turns.Where(t => t.Role == TurnRole.Dtmf).OrderBy(t => t.Sequence).Select(t => t.Text));
        var items = h.OpenAi.MessageItems.Where(i => i.Contains("[keypad]", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, items.Count);
        Assert.Contains("pressed 3 on the phone keypad", items[0], StringComparison.Ordinal);
        Assert.Contains("pressed 1 on the phone keypad", items[1], StringComparison.Ordinal);
        Assert.Contains("pressed # on the phone keypad", items[2], StringComparison.Ordinal);

        // The model answered the keys, and no response.create overlapped another (the server refuses those).
        Assert.DoesNotContain("invalid_value", h.OpenAi.Errors);
        Assert.True(h.OpenAi.ResponseCreates >= 2, $"{h.OpenAi.ResponseCreates} response.create sent");
    }

    [Fact]
    public async Task A_silent_caller_is_asked_once_whether_they_are_there_then_hears_a_goodbye_and_one_hangup()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 400 });
        await SaveTenantAsync(h, t => t with { SilenceRepromptSeconds = 2, SilenceGoodbyeSeconds = 2 });
        var (callSid, _) = await h.SeedCallAsync();
        var options = h.CallOptions(callSid, h.Token(callSid), [new CallerStep.Send(CallerAudio.Silence(30_000))]) with { Pacing = Pacing.RealTime };
        var clock = Stopwatch.StartNew();

        var call = await h.CallAsync(options);
        await call.Completion.WaitAsync(Timeout);
        var lasted = clock.Elapsed;
        await h.WaitUntilIdleAsync();

        // The greeting, the one re-prompt and the goodbye; Twilio's frames kept coming, so this is not a held call.
        Assert.True(3 == h.OpenAi.ResponseCreates, string.Join(" / ", h.OpenAi.Responses.Select(r => $"{r.Status}:{r.Transcript}")) + " errors: " + string.Join(",", h.OpenAi.Errors));
        Assert.Contains(h.OpenAi.Responses, r => r.Transcript == "Are you still there?");
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.InRange(lasted, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(25));
        Assert.DoesNotContain(h.Logs.Lines, l => l.Message.Contains("nothing from Twilio", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_caller_who_answers_the_reprompt_carries_on_the_call()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 400 });
        await SaveTenantAsync(h, t => t with { SilenceRepromptSeconds = 2, SilenceGoodbyeSeconds = 3 });
        var (callSid, _) = await h.SeedCallAsync();

        // Quiet until the re-prompt has played, then an answer, then quiet again: a fresh spell gets its own re-prompt.
        var options = h.CallOptions(callSid, h.Token(callSid),
        [
            new CallerStep.WaitUntilHeard(200 + 400),
            new CallerStep.Send(CallerAudio.Speech(400)),
            new CallerStep.Send(CallerAudio.Silence(30_000)),
        ]) with { Pacing = Pacing.RealTime, RealTimePlayback = true };

        var call = await h.CallAsync(options);
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        var said = h.OpenAi.Responses.Select(r => r.Transcript).ToList();
        Assert.Equal(2, said.Count(t => t == "Are you still there?"));
        Assert.Contains("agent reply 1", said);
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
    }

    [Fact]
    public async Task A_machine_hears_the_tenants_message_with_the_leads_name_then_one_hangup()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        await SaveTenantAsync(h, t => t with { VoicemailMessage = "Hi {name}, this is {company}. Please call us back." });
        var (callSid, _) = await h.SeedCallAsync(CallDirection.Outbound);
        var token = h.Service<StreamTokens>().Issue(h.TenantId, callSid, CallDirection.Outbound, answeredBy: "machine_end_beep");

        // The machine records whatever it hears, noise included: nothing it sends may cut the message.
        var options = h.CallOptions(callSid, token, [new CallerStep.Send(CallerAudio.Speech(300)), new CallerStep.Send(CallerAudio.Silence(30_000))])
            with { Pacing = Pacing.RealTime, RealTimePlayback = true };
        var call = await h.CallAsync(options);
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        var said = Assert.Single(h.OpenAi.Responses);
        Assert.Equal(("completed", "Hi Dana, this is Acme Plumbing. Please call us back."), (said.Status, said.Transcript));
        Assert.Equal(1, h.OpenAi.ResponseCreates); // no greeting
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.Equal(0, call.Clears);
        Assert.Contains("\"create_response\":false", h.OpenAi.SessionUpdates.First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_machine_with_no_message_configured_is_hung_up_at_once()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        var (callSid, _) = await h.SeedCallAsync(CallDirection.Outbound);
        var token = h.Service<StreamTokens>().Issue(h.TenantId, callSid, CallDirection.Outbound, answeredBy: "machine_end_silence");

        var call = await h.CallAsync(h.CallOptions(callSid, token, [new CallerStep.Send(CallerAudio.Silence(30_000))]) with { Pacing = Pacing.RealTime });
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        Assert.Equal(0, h.OpenAi.ResponseCreates);
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
    }

    [Fact]
    public async Task A_person_who_says_hello_during_the_outbound_opening_hears_one_whole_opening()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 1500, ReplyMs = 400, PaceAudio = true });
        var (callSid, _) = await h.SeedCallAsync(CallDirection.Outbound);
        var token = h.Service<StreamTokens>().Issue(h.TenantId, callSid, CallDirection.Outbound, answeredBy: AnsweredByValues.Human);

        // "Hello?" while the opening plays, then again right after it, then a real answer.
        var options = h.CallOptions(callSid, token,
        [
            new CallerStep.WaitUntilHeard(300),
            new CallerStep.Send(CallerAudio.Speech(400, seed: 1)),
            new CallerStep.Send(CallerAudio.Silence(400)),
            new CallerStep.WaitUntilHeard(1500),
            new CallerStep.Send(CallerAudio.Speech(400, seed: 2)),
            new CallerStep.Send(CallerAudio.Silence(400)),
            new CallerStep.WaitUntilHeard(1500 + 400),
            new CallerStep.HangUp(),
        ]) with { Pacing = Pacing.RealTime, RealTimePlayback = true };
        var call = await h.CallAsync(options);
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        var responses = h.OpenAi.Responses.ToList();
        var opening = Assert.Single(responses, r => r.Transcript == new FakeRealtimeScript().GreetingText);
        Assert.Equal("completed", opening.Status);
        Assert.Equal(opening, responses[0]);
        Assert.Empty(h.OpenAi.Truncates);
        Assert.Equal(0, call.Clears);

        // After the opening the model answers turns again: the later "Hello?" got a reply, not a second opening.
        Assert.Contains(responses, r => r.Transcript == "agent reply 2");
        Assert.DoesNotContain(responses, r => r.Transcript == "agent reply 1");
    }

    private static async Task SaveTenantAsync(BridgeHarness h, Func<Tenant, Tenant> change)
    {
        var tenants = h.Service<TenantStore>();
        await tenants.SaveAsync(change((await tenants.GetAsync(h.TenantId))!));
    }
}
