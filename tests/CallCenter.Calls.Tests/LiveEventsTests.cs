using System.Net;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Workflow;
using CallCenter.Local.Host;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Calls.Tests;

/// <summary>Live events through the Web PubSub REST client, the negotiate route and the local stand-in's WebSocket.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class LiveEventsTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_finished_call_is_announced_with_its_summary_to_its_tenants_dashboard_and_to_no_other_tenant()
    {
        var tenant = await _host.NewTenantAsync();
        var other = await _host.NewTenantAsync();
        using var mine = await ConnectAsync(tenant.Id);
        using var theirs = await ConnectAsync(other.Id);

        var callSid = TwilioCall.NewCallSid();
        var recordingSid = TwilioCall.NewRecordingSid();
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        await _host.Get<TurnStore>().AppendAsync(tenant.Id, [new ConversationTurn(callSid, 1, TurnRole.Caller, "I need a plumber.", TimeSpan.Zero)]);
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3));
        await _host.PostTwilioAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Assert.Equal(OrchestrationRuntimeStatus.Completed,
            (await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token)).RuntimeStatus);

        var finished = await ReceiveAsync(mine, TimeSpan.FromSeconds(30), e => e.Kind == LiveEventKind.CallFinished);
        Assert.Equal(callSid, finished.Single(e => e.Kind == LiveEventKind.CallFinished).CallSid);
        Assert.Equal((await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.Summary, finished.Last().Text);
        Assert.False(string.IsNullOrEmpty(finished.Last().Text));
        Assert.Empty(await ReceiveAsync(theirs, TimeSpan.FromSeconds(1), _ => false));
    }

    [Fact]
    public async Task A_publisher_holding_the_wrong_access_key_is_refused_and_nothing_reaches_the_group()
    {
        var tenant = await _host.NewTenantAsync();
        var live = _host.Host.LiveEvents!;
        var options = Options.Create(new WebPubSubOptions { Endpoint = live.Root, AccessKey = "not-the-service-key" });
        var forged = new WebPubSubLiveEvents(new SingleClientFactory(), options, TimeProvider.System);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            forged.PublishAsync(tenant.Id, [new LiveEvent("CA1", LiveEventKind.CallStarted, null, null, 0, DateTimeOffset.UtcNow)]));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain(live.Sent, m => m.Group == LiveEventWire.Group(tenant.Id));
    }

    [Fact]
    public async Task The_negotiate_route_needs_a_key_of_the_tenant_and_hands_out_a_websocket_url_of_the_hub()
    {
        var tenant = await _host.NewTenantAsync();
        var other = await _host.NewTenantAsync();
        var otherKey = await _host.Get<Core.Auth.ApiKeyService>().IssueAsync(other.Id, "dashboard");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Http.GetAsync($"/api/tenants/{tenant.Id}/live/negotiate")).StatusCode);
        using var foreign = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant.Id}/live/negotiate");
        foreign.Headers.Add("X-Api-Key", otherKey.Key);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.SendAsync(foreign)).StatusCode);

        var url = await NegotiateAsync(tenant.Id);
        Assert.Equal("ws", url.Scheme);
        Assert.Equal("/client/hubs/calls", url.AbsolutePath);
        Assert.StartsWith("access_token=", url.Query.TrimStart('?'), StringComparison.Ordinal);
    }

    private Task<Uri> NegotiateAsync(string tenantId) => LiveEventsSocket.NegotiateAsync(_host.Http, tenantId, TestKeys.AdminKey);

    /// <summary>What the dashboard does: negotiate, then a plain WebSocket on the URL it was given.</summary>
    private Task<LiveEventsSocket> ConnectAsync(string tenantId) => LiveEventsSocket.ConnectAsync(_host.Http, tenantId, TestKeys.AdminKey);

    /// <summary>Events received until one matches or the time is up (then whatever came).</summary>
    private static async Task<List<LiveEvent>> ReceiveAsync(LiveEventsSocket socket, TimeSpan within, Func<LiveEvent, bool> until)
    {
        var received = new List<LiveEvent>();
        using var deadline = new CancellationTokenSource(within);
        try
        {
            while (await socket.ReceiveAsync(deadline.Token) is { } batch)
            {
                received.AddRange(batch);
                if (batch.Any(until))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return received;
    }

    private sealed class SingleClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
