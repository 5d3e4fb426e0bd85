using System.Net.WebSockets;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Fakes;
using CallCenter.Simulators;
using CallCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// transfer_to_human end to end through the bridge: the fake model asks for it after the caller's first turn,
/// the fake Twilio API takes the redirect and, as Twilio does, ends the stream with stop.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TransferTests(AzuriteFixture azurite)
{
    private const string HumanNumber = "+15551230000";
    private const string Summary = "Dana Smith wants a quote for a new boiler and asked to speak to a person.";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Uri TwilioBase = new("https://calls.example.test/api/twilio/");

    private static FakeRealtimeScript Script => new()
    {
        GreetingMs = 200,
        GoodbyeMs = 400,
        ToolAfterFirstTurn = ("transfer_to_human", $$"""{"reason":"wants a person","summary":"{{Summary}}"}"""),
    };

    // One turn, then the caller listens until the network ends the stream.
    private static IReadOnlyList<CallerStep> OneTurn =>
    [
        new CallerStep.WaitUntilHeard(200),
        new CallerStep.Send(CallerAudio.Speech(400)),
        new CallerStep.Send(CallerAudio.Silence(400)),
    ];

    [Fact]
    public async Task In_hours_the_line_plays_then_one_redirect_ends_the_stream_cleanly_with_no_hangup_and_the_log_shows_pending_then_answered()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, Script);
        await SetTransferAsync(h, [HumanNumber], hours: null);
        var (callSid, _) = await h.SeedCallAsync();
        long playedAtRedirect = -1;
        SimulatedCall? call = null;
        h.Twilio.CallRedirected += (_, _, _) =>
        {
            Interlocked.Exchange(ref playedAtRedirect, call?.PlayedMs ?? -1);
            return Task.CompletedTask;
        };

        call = await h.CallAsync(h.CallOptions(callSid, TokenWithBase(h, callSid), OneTurn));
        await call.Completion.WaitAsync(Timeout);
        var metrics = await h.WaitUntilIdleAsync();

        var output = Assert.Single(h.OpenAi.FunctionOutputs).Output;
        Assert.Contains("\"ok\":true", output, StringComparison.Ordinal);
        var redirect = Assert.Single(h.Twilio.Redirects);
        Assert.Equal((callSid, new Uri(TwilioBase, "transfer"), "POST"), redirect);
        Assert.Equal(0, h.Twilio.HangupsFor(callSid));
        Assert.Equal(0, metrics.Hangups);

        // The greeting (200 ms) and the whole transfer line (400 ms) played before the redirect.
        Assert.True(Interlocked.Read(ref playedAtRedirect) >= 600, $"played {playedAtRedirect} ms before the redirect");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, call.CloseStatus);
        Assert.Contains(h.OpenAi.Responses, r => r.Transcript == "One moment, I am connecting you to a colleague." && r.Status == "completed");

        var pending = (await h.Service<CallLogStore>().GetAsync(h.TenantId, callSid))!.Transfer;
        Assert.NotNull(pending);
        Assert.Equal((HumanNumber, "wants a person", Summary, TransferOutcomes.Pending, (DateTimeOffset?)null),
            (pending.Target, pending.Reason, pending.Summary, pending.Outcome, pending.EndedAt));

        // Twilio's Dial action then reports the human answered; the bridge's stream ending changed nothing of it.
        var answer = await Handler(h).ResultAsync(Signed(new Uri(TwilioBase, "transfer/result"), new Dictionary<string, string>
        {
            ["AccountSid"] = BridgeHarness.AccountSid,
            ["CallSid"] = callSid,
            ["CallStatus"] = "in-progress",
            ["DialCallStatus"] = "completed",
            ["DialCallSid"] = "CA" + Guid.NewGuid().ToString("N"),
            ["DialCallDuration"] = "42",
        }));
        Assert.Contains("<Hangup", answer.Body, StringComparison.Ordinal);
        var answered = (await h.Service<CallLogStore>().GetAsync(h.TenantId, callSid))!.Transfer!;
        Assert.Equal(TransferOutcomes.Answered, answered.Outcome);
        Assert.NotNull(answered.EndedAt);
    }

    [Fact]
    public async Task Outside_the_tenants_hours_the_tool_says_so_and_nothing_is_dialled()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, Script);
        var closedDay = DateTimeOffset.UtcNow.AddDays(3).ToString("ddd", System.Globalization.CultureInfo.InvariantCulture);
        await SetTransferAsync(h, [HumanNumber], WeeklyHours.Parse($"{closedDay} 09:00-17:00"));

        var (output, callSid) = await CallAndHangUpAsync(h);

        Assert.Contains("\"ok\":false", output, StringComparison.Ordinal);
        Assert.Contains("no one can take the call now", output, StringComparison.Ordinal);
        Assert.Contains(closedDay, output, StringComparison.Ordinal);
        Assert.Empty(h.Twilio.CallUpdates);
        Assert.Null((await h.Service<CallLogStore>().GetAsync(h.TenantId, callSid))!.Transfer);
    }

    [Fact]
    public async Task With_no_transfer_number_the_tool_says_so_and_nothing_is_dialled()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, Script);

        var (output, callSid) = await CallAndHangUpAsync(h);

        Assert.Contains("\"ok\":false", output, StringComparison.Ordinal);
        Assert.Contains("not available", output, StringComparison.Ordinal);
        Assert.Empty(h.Twilio.CallUpdates);
        Assert.Null((await h.Service<CallLogStore>().GetAsync(h.TenantId, callSid))!.Transfer);
    }

    [Fact]
    public async Task After_an_unanswered_transfer_one_stream_brings_the_caller_back_and_the_agent_is_told_to_offer_a_callback()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 });
        await SetTransferAsync(h, [HumanNumber], hours: null);
        var (callSid, _) = await h.SeedCallAsync();
        var calls = h.Service<CallLogStore>();
        await calls.RecordTransferAsync(h.TenantId, callSid, new CallTransfer(HumanNumber, "wants a person", Summary, DateTimeOffset.UtcNow, TransferOutcomes.Pending, null));
        await calls.MarkStreamEndedAsync(h.TenantId, callSid, DateTimeOffset.UtcNow);
        var back = h.Service<StreamTokens>().Issue(h.TenantId, callSid, CallDirection.Inbound, TwilioBase, TransferOutcomes.Busy);

        // Before the Dial action recorded busy, a stream claiming it is refused.
        var early = await h.CallAsync(h.CallOptions(callSid, back, [new CallerStep.Send(CallerAudio.Silence(200))]));
        await early.Completion.WaitAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, early.CloseStatus);

        await calls.RecordTransferOutcomeAsync(h.TenantId, callSid, TransferOutcomes.Busy, DateTimeOffset.UtcNow);
        var call = await h.CallAsync(h.CallOptions(callSid, back, [new CallerStep.WaitUntilHeard(200)]));
        await BridgeHarness.Eventually(() => Task.FromResult(call.PlayedMs), ms => ms >= 200);

        // A replayed Dial action's copy of the same answer finds the call's after-transfer stream taken.
        var replay = await h.CallAsync(h.CallOptions(callSid, back, [new CallerStep.Send(CallerAudio.Silence(200))]) with { StreamSid = "MZ" + Guid.NewGuid().ToString("N") });
        await replay.Completion.WaitAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, replay.CloseStatus);

        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();
        Assert.True(call.PlayedMs >= 200);
        var told = Assert.Single(h.OpenAi.MessageItems, m => m.Contains("\"system\"", StringComparison.Ordinal));
        Assert.Contains("the line was busy", told, StringComparison.Ordinal);
        Assert.Contains("schedule_callback", told, StringComparison.Ordinal);
        Assert.Contains(Summary, told, StringComparison.Ordinal);
    }

    private static async Task<(string Output, string CallSid)> CallAndHangUpAsync(BridgeHarness h)
    {
        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, TokenWithBase(h, callSid), OneTurn));
        var outputs = await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.FunctionOutputs.ToArray()), o => o.Length > 0);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();
        return (Assert.Single(outputs).Output, callSid);
    }

    private static string TokenWithBase(BridgeHarness h, string callSid) =>
        h.Service<StreamTokens>().Issue(h.TenantId, callSid, CallDirection.Inbound, TwilioBase, null);

    private static async Task SetTransferAsync(BridgeHarness h, IReadOnlyList<string> numbers, WeeklyHours? hours)
    {
        var tenants = h.Service<TenantStore>();
        var tenant = (await tenants.GetAsync(h.TenantId))!;
        await tenants.SaveAsync(tenant with { TimeZone = "UTC", TransferNumbers = numbers, TransferHours = hours });
    }

    private static TransferWebhookHandler Handler(BridgeHarness h) => new(
        new TwilioSignature(h.Service<IOptions<TwilioOptions>>()), h.Service<CallLogStore>(), h.Service<StreamTokens>(),
        h.Service<IOptions<BridgeOptions>>(), TimeProvider.System, NullLogger<TransferWebhookHandler>.Instance);

    private static TwilioWebhook Signed(Uri url, Dictionary<string, string> form) =>
        new(url.AbsoluteUri, form, TwilioRequestSigner.Sign(BridgeHarness.AuthToken, url.AbsoluteUri, form));
}
