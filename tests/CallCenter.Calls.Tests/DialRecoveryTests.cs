using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace CallCenter.Calls.Tests;

/// <summary>The dial activity run again on a request whose intent is written and whose CallSid is not.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class DialRecoveryTests(CallCenterFixture fixture) : IAsyncLifetime
{
    private readonly CallCenterHost _host = fixture.Host;
    private readonly string _lead = "+1886" + Random.Shared.Next(1_000_000, 9_999_999);
    private Tenant _tenant = null!;

    private string Ours => _tenant.VoiceNumbers[0];

    public async Task InitializeAsync() => _tenant = await _host.NewTenantAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_call_twilio_placed_after_the_intent_and_unknown_to_us_is_adopted_without_a_dial()
    {
        var request = await InterruptedRequestAsync();
        var placed = await TwilioPlacesAsync();

        var callSid = await _host.Get<CallDialer>().DialAsync(request.CallId);

        Assert.Equal(placed, callSid);
        Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == _lead);
        Assert.Equal(placed, (await _host.Get<OutboundCallStore>().GetAsync(request.CallId))!.CallSid);
        Assert.NotNull(await _host.Get<CallLogStore>().GetAsync(_tenant.Id, placed));
    }

    [Fact]
    public async Task A_callback_carrying_the_requests_marker_claims_the_call_so_the_repeated_dial_takes_it()
    {
        var request = await InterruptedRequestAsync();
        var placed = await TwilioPlacesAsync();
        var initiated = TwilioCall.Status(placed, _lead, "initiated", 1, from: Ours);
        initiated["Direction"] = "outbound-api";
        await _host.PostTwilioAsync($"/api/twilio/status?{OutboundCallNames.QueryParameter}={request.CallId}", initiated);
        Assert.Equal(placed, (await _host.Get<OutboundCallStore>().GetAsync(request.CallId))!.CallSid);

        var callSid = await _host.Get<CallDialer>().DialAsync(request.CallId);

        Assert.Equal(placed, callSid);
        Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == _lead);
    }

    [Fact]
    public async Task Another_requests_call_to_the_same_lead_is_not_taken_for_ours_and_the_lead_is_dialled()
    {
        var request = await InterruptedRequestAsync();
        var others = await TwilioPlacesAsync();
        await _host.Get<CallLogStore>().CreateIfMissingAsync(CallDialer.ToCallLog(request with { CallSid = others }, DateTimeOffset.UtcNow));

        var callSid = await _host.Get<CallDialer>().DialAsync(request.CallId);

        Assert.NotEqual(others, callSid);
        Assert.Equal(2, _host.Twilio.CreatedCalls.Count(c => c["To"] == _lead));
    }

    /// <summary>A request whose dial run wrote its intent and then died.</summary>
    private async Task<OutboundCallRequest> InterruptedRequestAsync() =>
        await _host.Get<OutboundCallStore>().AddAsync(new OutboundCallRequest(
            _tenant.Id, OutboundCallNames.NewCallId(), _lead, Ours, null, null, DialIntentAt: DateTimeOffset.UtcNow.AddSeconds(-5)));

    private async Task<string> TwilioPlacesAsync() =>
        (await CallResource.CreateAsync(to: new PhoneNumber(_lead), from: new PhoneNumber(Ours), url: new Uri("https://example.test/voice"), client: _host.Get<ITwilioRestClient>())).Sid;
}
