using CallCenter.Core.Workflow;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Tests;

/// <summary>One inbound call through the app's Twilio triggers: answered, ended, recorded.</summary>
public sealed record SimulatedCall(string TenantId, string CallSid, string Number)
{
    public string InstanceId => CallWorkflowNames.InstanceId(CallSid);

    public static async Task<SimulatedCall> PlaceAsync(FunctionsFixture fixture, string tenantId, string number, string? callSid = null)
    {
        var call = new SimulatedCall(tenantId, callSid ?? TwilioCall.NewCallSid(), number);
        var voice = await fixture.Http.SendAsync(TwilioCall.Request(fixture.Local.BaseUrl, "/api/twilio/voice", TwilioCall.Voice(call.CallSid, number)));
        Assert.True(voice.Status == 200, voice.Body);
        return call;
    }

    /// <summary>The caller hangs up and Twilio posts the call's end and its recording; waits for the workflow.</summary>
    public async Task<OrchestrationMetadata> CompleteAsync(FunctionsFixture fixture)
    {
        var baseUrl = fixture.Local.BaseUrl;
        var ended = await fixture.Http.SendAsync(TwilioCall.Request(baseUrl, "/api/twilio/status", TwilioCall.Status(CallSid, Number, "completed", 3)));
        Assert.True(ended.Status is >= 200 and < 300, ended.Body);

        var recordingSid = "RE" + Guid.NewGuid().ToString("N");
        fixture.Twilio.SetRecording(recordingSid, FakeTwilioApi.RecordingBytes(recordingSid));
        var recorded = await fixture.Http.SendAsync(TwilioCall.Request(baseUrl, "/api/twilio/recording", TwilioCall.Recording(CallSid, recordingSid, fixture.Twilio.RecordingUrl(recordingSid))));
        Assert.True(recorded.Status is >= 200 and < 300, recorded.Body);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await fixture.Durable.WaitForInstanceCompletionAsync(InstanceId, getInputsAndOutputs: true, timeout.Token);
    }
}
