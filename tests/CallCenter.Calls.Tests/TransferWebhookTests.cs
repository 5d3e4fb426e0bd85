using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The transfer webhooks on the local host (real engine on Azurite), driven by the fake Twilio's call flow as
/// Twilio drives them after the bridge has recorded the transfer and redirected the call.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class TransferWebhookTests(CallCenterFixture fixture) : IAsyncLifetime
{
    private const string HumanNumber = "+15551230000";
    private const string Summary = "Dana Smith wants a quote for a new boiler and asked to speak to a person.";

    private readonly CallCenterHost _host = fixture.Host;
    private Tenant _tenant = null!;

    private string Number => _tenant.VoiceNumbers[0];

    private FakeTwilioCallFlow Flow => new(CallCenterHost.AccountSid, CallCenterHost.AuthToken, _host.Http);

    public async Task InitializeAsync()
    {
        var tenant = await _host.NewTenantAsync();
        _tenant = tenant with { TransferNumbers = [HumanNumber] };
        await _host.Get<TenantStore>().SaveAsync(_tenant);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_whisper_holds_the_summary_for_the_human_alone_and_the_callers_TwiML_never_does()
    {
        var (callSid, transferUrl) = await TransferredCallAsync();

        var run = await Flow.FollowRedirectAsync(TwilioCall.Voice(callSid, Number), transferUrl, "POST", HumanLeg.Answers, default);

        Assert.DoesNotContain(Summary, run.CallerTwiml, StringComparison.Ordinal);
        var dial = XDocument.Parse(run.CallerTwiml).Root!.Element("Dial")!;
        Assert.Equal(Number, dial.Attribute("callerId")?.Value);
        Assert.Equal([HumanNumber], run.Dialled);
        Assert.Equal([Summary], run.WhisperSaid);
        Assert.Equal("completed", run.DialCallStatus);
        Assert.Single(XDocument.Parse(run.ActionTwiml).Root!.Elements("Hangup"));
        var transfer = (await _host.Get<CallLogStore>().GetAsync(_tenant.Id, callSid))!.Transfer!;
        Assert.Equal(TransferOutcomes.Answered, transfer.Outcome);

        // Replayed once the outcome is in, the caller's TwiML and the whisper are a hangup: no Dial, no summary.
        var whisperUrl = new Uri(transferUrl, "transfer/whisper");
        var replayedWhisper = await Flow.RequestAsync(whisperUrl, "POST", new Dictionary<string, string>
        {
            ["AccountSid"] = CallCenterHost.AccountSid, ["CallSid"] = TwilioCall.NewCallSid(), ["ParentCallSid"] = callSid,
        }, default);
        Assert.DoesNotContain(Summary, replayedWhisper, StringComparison.Ordinal);
        Assert.Single(XDocument.Parse(replayedWhisper).Root!.Elements("Hangup"));
        var replayedDial = await Flow.RequestAsync(transferUrl, "POST", TwilioCall.Voice(callSid, Number), default);
        Assert.Empty(XDocument.Parse(replayedDial).Root!.Elements("Dial"));
    }

    [Fact]
    public async Task After_an_answered_transfer_the_call_workflow_runs_when_the_call_ends_and_the_api_shows_the_transfer()
    {
        var (callSid, transferUrl) = await TransferredCallAsync();
        await Flow.FollowRedirectAsync(TwilioCall.Voice(callSid, Number), transferUrl, "POST", HumanLeg.Answers, default);
        await _host.Get<CallLogStore>().MarkStreamEndedAsync(_tenant.Id, callSid, DateTimeOffset.UtcNow);

        var recordingSid = TwilioCall.NewRecordingSid();
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, Number, "completed", 5));
        await _host.PostTwilioAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{_tenant.Id}/calls/{callSid}");
        request.Headers.Add("X-Api-Key", TestKeys.AdminKey);
        var view = await (await _host.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var transfer = view.GetProperty("transfer");
        Assert.Equal((HumanNumber, "wants a person", Summary, TransferOutcomes.Answered),
            (transfer.GetProperty("target").GetString(), transfer.GetProperty("reason").GetString(), transfer.GetProperty("summary").GetString(), transfer.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.String, transfer.GetProperty("requestedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, transfer.GetProperty("endedAt").ValueKind);
    }

    [Theory]
    [InlineData(HumanLeg.Busy, TransferOutcomes.Busy)]
    [InlineData(HumanLeg.NoAnswer, TransferOutcomes.NoAnswer)]
    public async Task Unanswered_is_recorded_once_under_duplicate_Dial_callbacks_and_the_caller_goes_back_to_the_agent_told_so(HumanLeg human, string outcome)
    {
        var (callSid, transferUrl) = await TransferredCallAsync();
        var calls = _host.Get<CallLogStore>();

        var run = await Flow.FollowRedirectAsync(TwilioCall.Voice(callSid, Number), transferUrl, "POST", human, default);
        var recorded = (await calls.GetAsync(_tenant.Id, callSid))!.Transfer!;
        var retried = await Flow.RequestAsync(run.ActionUrl, run.ActionMethod, run.ActionForm, default);
        var contradicting = new Dictionary<string, string>(run.ActionForm) { ["DialCallStatus"] = "completed", ["DialCallDuration"] = "9" };
        await Flow.RequestAsync(run.ActionUrl, run.ActionMethod, contradicting, default);

        Assert.Null(run.WhisperTwiml);
        Assert.Equal(outcome, recorded.Outcome);
        Assert.Equal(recorded, (await calls.GetAsync(_tenant.Id, callSid))!.Transfer);

        // The caller is connected back to the agent, on a stream whose token says how the transfer ended; the
        // retried callback gets the same answer, and the bridge binds one stream of the two.
        foreach (var twiml in new[] { run.ActionTwiml, retried })
        {
            var root = XDocument.Parse(twiml).Root!;
            Assert.Empty(root.Elements("Start"));
            var token = Assert.Single(root.Descendants("Stream")).Element("Parameter")!.Attribute("value")!.Value;
            Assert.Equal(StreamTokenError.None, _host.Get<StreamTokens>().Verify(token, out var claims));
            Assert.Equal((callSid, outcome), (claims!.CallSid, claims.AfterTransfer));
            Assert.Equal(new Uri(_host.Host.BaseUrl, "/api/twilio/"), claims.TwilioBase);
        }

        // Once Twilio reports the call over, a replayed callback is a hangup and still changes nothing.
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, Number, "completed", 9));
        var late = await Flow.RequestAsync(run.ActionUrl, run.ActionMethod, run.ActionForm, default);
        Assert.Single(XDocument.Parse(late).Root!.Elements("Hangup"));
        Assert.Equal(recorded, (await calls.GetAsync(_tenant.Id, callSid))!.Transfer);
    }

    [Theory]
    [InlineData("/api/twilio/transfer", null)]
    [InlineData("/api/twilio/transfer/whisper", null)]
    [InlineData("/api/twilio/transfer/result", null)]
    [InlineData("/api/twilio/transfer/result", "wrong-token-0123456789")]
    public async Task A_forged_transfer_webhook_is_refused_before_any_work(string path, string? signWith)
    {
        var (callSid, _) = await TransferredCallAsync();
        var before = (await _host.Get<CallLogStore>().GetAsync(_tenant.Id, callSid))!.Transfer;
        var form = new Dictionary<string, string>(TwilioCall.Voice(callSid, Number))
        {
            ["ParentCallSid"] = callSid,
            ["DialCallStatus"] = "busy",
            ["DialCallSid"] = TwilioCall.NewCallSid(),
        };

        var response = await _host.PostTwilioAsync(path, form, signWith);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(Summary, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await _host.Get<CallLogStore>().GetAsync(_tenant.Id, callSid))!.Transfer);
    }

    /// <summary>
    /// A call as the bridge leaves it when the agent transfers: answered by the voice webhook, the transfer
    /// recorded pending; the URL it redirects to comes from the stream token the webhook issued.
    /// </summary>
    private async Task<(string CallSid, Uri TransferUrl)> TransferredCallAsync()
    {
        var callSid = TwilioCall.NewCallSid();
        var answer = await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, Number));
        var token = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root!.Descendants("Parameter").Single().Attribute("value")!.Value;
        Assert.Equal(StreamTokenError.None, _host.Get<StreamTokens>().Verify(token, out var claims));
        await _host.Get<CallLogStore>().RecordTransferAsync(_tenant.Id, callSid,
            new CallTransfer(HumanNumber, "wants a person", Summary, DateTimeOffset.UtcNow, TransferOutcomes.Pending, null));
        return (callSid, new Uri(claims!.TwilioBase!, TransferWebhookHandler.DialPath));
    }
}
