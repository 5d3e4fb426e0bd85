using System.Net;
using System.Xml.Linq;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Testing;

namespace CallCenter.Calls.Tests;

[Collection(CallCenterCollection.Name)]
public sealed class OutboundCallTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task Placing_a_call_answers_202_at_once_and_dials_once_through_twilio_with_our_webhooks_and_the_ai_speaks_first()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var before = _host.Twilio.CreatedCalls.Count;

        var (callId, callSid) = await _host.PlaceCallAsync(tenant.Id, key, "+15551112222");

        var created = Assert.Single(_host.Twilio.CreatedCalls.Skip(before));
        Assert.Equal(("+15551112222", tenant.VoiceNumbers[0]), (created["To"], created["From"]));
        Assert.Equal(new Uri(_host.Host.BaseUrl, $"/api/twilio/voice?outbound={callId}").AbsoluteUri, created["Url"]);
        Assert.Equal(new Uri(_host.Host.BaseUrl, $"/api/twilio/status?outbound={callId}").AbsoluteUri, created["StatusCallback"]);
        var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
        Assert.Equal(CallDirection.Outbound, call!.Direction);
        Assert.NotNull((await _host.Get<LeadStore>().FindByPhoneAsync(tenant.Id, "+15551112222"))?.Id);

        // Twilio fetches the answer URL it was given once the lead picks up.
        var voice = TwilioCall.Voice(callSid, "+15551112222", from: tenant.VoiceNumbers[0]);
        voice["Direction"] = "outbound-api";
        voice["CallStatus"] = "in-progress";
        var answer = await _host.PostTwilioAsync($"/api/twilio/voice?outbound={callId}", voice);
        var token = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Descendants("Parameter").Single().Attribute("value")!.Value;
        Assert.Equal(StreamTokenError.None, _host.Get<StreamTokens>().Verify(token, out var claims));
        Assert.Equal(CallDirection.Outbound, claims!.Direction);
    }

    [Fact]
    public async Task A_call_to_a_number_that_is_not_e164_is_refused_with_400_and_nothing_is_dialled()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var response = await _host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant.Id}/calls", key, new { to = "0501234567" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await Task.Delay(500);
        Assert.DoesNotContain(_host.Twilio.CreatedCalls, c => c["From"] == tenant.VoiceNumbers[0]); // other tests' dials may still be under way
    }
}
