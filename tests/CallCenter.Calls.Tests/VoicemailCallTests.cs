using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CallCenter.Core.Calls;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

/// <summary>An outbound call a machine answers: Twilio's verdict is kept, and the call's workflow runs as for any call.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class VoicemailCallTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task An_outbound_call_a_machine_answers_stores_answered_by_and_still_stores_its_recording_and_summary()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var before = _host.Twilio.CreatedCalls.Count;
        var (callId, callSid) = await _host.PlaceCallAsync(tenant.Id, key, "+15553334444");

        // Dialled with synchronous detection that waits for the greeting's end.
        Assert.Equal("DetectMessageEnd", Assert.Single(_host.Twilio.CreatedCalls.Skip(before))["MachineDetection"]);

        // Twilio asks for the voice document after the beep, saying a machine answered.
        var voice = TwilioCall.Voice(callSid, "+15553334444", from: tenant.VoiceNumbers[0]);
        voice["Direction"] = "outbound-api";
        voice["CallStatus"] = "in-progress";
        voice["AnsweredBy"] = "machine_end_beep";
        var answer = await _host.PostTwilioAsync($"/api/twilio/voice?outbound={callId}", voice);
        var token = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Descendants("Parameter").Single().Attribute("value")!.Value;
        Assert.Equal(StreamTokenError.None, _host.Get<StreamTokens>().Verify(token, out var claims));
        Assert.True(claims!.AnsweredByMachine);

        // The bridge left the message; Twilio ends the call and delivers the recording.
        await _host.Get<TurnStore>().AppendAsync(tenant.Id, [new ConversationTurn(callSid, 1, TurnRole.Agent, "Hi, this is Acme. Please call us back.", TimeSpan.Zero)]);
        await _host.PostTwilioAsync($"/api/twilio/status?outbound={callId}", Outbound(TwilioCall.Status(callSid, "+15553334444", "completed", 3, from: tenant.VoiceNumbers[0])));
        var recordingSid = TwilioCall.NewRecordingSid();
        await _host.PostTwilioAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);

        var call = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!;
        Assert.Equal("machine_end_beep", call.AnsweredBy);
        Assert.NotNull(call.RecordingBlobPath);
        Assert.False(string.IsNullOrEmpty(call.Summary));

        var view = await (await _host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant.Id}/calls/{callSid}", key)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("machine_end_beep", view.GetProperty("answeredBy").GetString());
    }

    [Fact]
    public async Task An_answered_by_value_on_an_inbound_call_or_one_twilio_does_not_document_is_not_stored()
    {
        var tenant = await _host.NewTenantAsync();
        var callSid = TwilioCall.NewCallSid();
        var voice = TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]);
        voice["AnsweredBy"] = "machine_end_beep";

        var answer = await _host.PostTwilioAsync("/api/twilio/voice", voice);
        var token = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Descendants("Parameter").Single().Attribute("value")!.Value;

        Assert.Equal(StreamTokenError.None, _host.Get<StreamTokens>().Verify(token, out var claims));
        Assert.Null(claims!.AnsweredBy);
        Assert.Null((await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.AnsweredBy);
    }

    private static Dictionary<string, string> Outbound(Dictionary<string, string> form)
    {
        form["Direction"] = "outbound-api";
        return form;
    }
}
