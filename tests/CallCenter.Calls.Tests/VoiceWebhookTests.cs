using System.Net;
using System.Xml.Linq;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Calls.Tests;

[Collection(CallCenterCollection.Name)]
public sealed class VoiceWebhookTests(CallCenterFixture fixture) : IAsyncLifetime
{
    private readonly CallCenterHost _host = fixture.Host;
    private Tenant _tenant = null!;

    private string Number => _tenant.VoiceNumbers[0];

    public async Task InitializeAsync() => _tenant = await _host.NewTenantAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_answer_starts_a_dual_recording_then_connects_one_stream_to_the_bridge_with_a_token_and_no_greeting()
    {
        var callSid = TwilioCall.NewCallSid();

        var response = await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, Number));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Response", twiml.Name.LocalName);
        Assert.Empty(twiml.Descendants("Say"));
        Assert.Equal(["Start", "Connect"], twiml.Elements().Select(e => e.Name.LocalName));
        var recording = Assert.Single(twiml.Element("Start")!.Elements("Recording"));
        Assert.Equal("dual", recording.Attribute("channels")?.Value);
        Assert.Equal(new Uri(_host.Host.BaseUrl, "/api/twilio/recording").AbsoluteUri, recording.Attribute("recordingStatusCallback")?.Value);

        var stream = Assert.Single(twiml.Descendants("Stream"));
        Assert.Single(twiml.Descendants("Connect"));
        Assert.Equal("wss://bridge.test/media", stream.Attribute("url")?.Value);
        var parameter = Assert.Single(stream.Elements("Parameter"));
        Assert.Equal(StreamTokens.ParameterName, parameter.Attribute("name")?.Value);
        var token = parameter.Attribute("value")!.Value;

        var tokens = _host.Get<StreamTokens>();
        Assert.Equal(StreamTokenError.None, tokens.Verify(token, out var claims));
        Assert.Equal((_tenant.Id, callSid, CallDirection.Inbound), (claims!.TenantId, claims.CallSid, claims.Direction));

        var later = new FakeTimeProvider(claims.ExpiresAt);
        var expired = new StreamTokens(_host.Get<IOptions<BridgeOptions>>(), later);
        Assert.Equal(StreamTokenError.Expired, expired.Verify(token, out _));
    }

    [Fact]
    public async Task A_call_to_a_number_no_tenant_owns_is_rejected_politely_and_nothing_is_written()
    {
        var callSid = TwilioCall.NewCallSid();

        var response = await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, "+15559990000"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Single(twiml.Elements("Reject"));
        Assert.Empty(twiml.Descendants("Connect"));
        await AssertNothingWrittenAsync(callSid);
    }

    [Fact]
    public async Task A_voice_webhook_creates_the_call_links_the_lead_and_starts_no_workflow_until_the_call_ends()
    {
        var callSid = TwilioCall.NewCallSid();

        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, Number));
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, Number));

        var call = await _host.Get<CallLogStore>().GetAsync(_tenant.Id, callSid);
        Assert.NotNull(call);
        Assert.Equal(CallStatus.Ringing, call.Status);
        var lead = await _host.Get<LeadStore>().FindByPhoneAsync(_tenant.Id, "+15557654321");
        Assert.Equal(lead?.Id, call.LeadId);
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }

    public static TheoryData<string, string> Forgeries => new()
    {
        { "changed parameter", "change" },
        { "wrong auth token", "token" },
        { "missing header", "missing" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_webhook_is_refused_with_403_before_anything_is_written(string _, string forgery)
    {
        foreach (var path in new[] { "/api/twilio/voice", "/api/twilio/status", "/api/twilio/recording" })
        {
            var callSid = TwilioCall.NewCallSid();
            var form = path.EndsWith("recording", StringComparison.Ordinal)
                ? TwilioCall.Recording(callSid, TwilioCall.NewRecordingSid(), _host.Twilio.RecordingUrl("RE0"))
                : TwilioCall.Status(callSid, Number, "completed", 3);
            var url = new Uri(_host.Host.BaseUrl, path).AbsoluteUri;
            var request = new HttpRequestMessage(HttpMethod.Post, url);
            var signature = Fakes.TwilioRequestSigner.Sign(forgery == "token" ? "not-the-auth-token-0123" : CallCenterHost.AuthToken, url, form);
            if (forgery == "change")
            {
                form["From"] = "+15550000001";
            }

            if (forgery != "missing")
            {
                request.Headers.Add("X-Twilio-Signature", signature);
            }

            request.Content = new FormUrlEncodedContent(form);

            var response = await _host.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            await AssertNothingWrittenAsync(callSid);
        }
    }

    public static TheoryData<string, string, HttpStatusCode> BadInputs => new()
    {
        { "missing CallSid", "CallSid=", HttpStatusCode.BadRequest },
        { "malformed CallSid", "CallSid=CA123", HttpStatusCode.BadRequest },
        { "unknown status", "CallStatus=answered", HttpStatusCode.BadRequest },
        { "oversized body", "Padding=" + new string('x', 20_000), HttpStatusCode.RequestEntityTooLarge },
        { "value over the form limits", "CallerName=" + new string('x', 5000), HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gets_a_4xx_and_nothing_is_written(string _, string change, HttpStatusCode expected)
    {
        var callSid = TwilioCall.NewCallSid();
        var form = TwilioCall.Status(callSid, Number, "ringing", 1);
        var (name, value) = (change.Split('=')[0], change[(change.IndexOf('=') + 1)..]);
        form[name] = value;

        var response = await _host.PostTwilioAsync("/api/twilio/status", form);

        Assert.Equal(expected, response.StatusCode);
        await AssertNothingWrittenAsync(callSid);
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_gets_415_and_nothing_is_written()
    {
        var response = await _host.Http.PostAsync("/api/twilio/voice", new StringContent("{\"CallSid\":\"CA1\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(await _host.Get<CallLogStore>().ListAsync(_tenant.Id));
    }

    private async Task AssertNothingWrittenAsync(string callSid)
    {
        Assert.Null(await _host.Get<CallLogStore>().FindTenantAsync(callSid));
        Assert.Null(await _host.Get<CallLogStore>().GetAsync(_tenant.Id, callSid));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }
}
