using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Tenants;
using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

/// <summary>
/// Signed post-call webhooks on the local host and the real engine (Azurite): registration, delivery as its own
/// workflow, retries with backoff (1 s, 2 s, given up after 6 s here), the attempts listed, redelivery and rotation.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class WebhookTests(CallCenterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly CallCenterHost _host = fixture.Host;
    private readonly List<WebhookReceiver> _receivers = [];
    private Tenant _tenant = null!;

    public async Task InitializeAsync()
    {
        // Unrecorded, so that the call's workflow finishes as soon as the call ends.
        var tenant = await _host.NewTenantAsync();
        _tenant = tenant with { UnrecordedNumbers = tenant.VoiceNumbers };
        await _host.Get<TenantStore>().SaveAsync(_tenant);
    }

    public async Task DisposeAsync()
    {
        foreach (var r in _receivers)
        {
            await r.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_finished_call_delivers_call_completed_once_to_each_endpoint_signed_with_its_own_secret()
    {
        var (first, firstSecret) = await EndpointAsync();
        var (second, secondSecret) = await EndpointAsync();

        var callSid = await FinishedCallAsync();

        var toFirst = Assert.Single(await ReceivedAsync(first, 1));
        var toSecond = Assert.Single(await ReceivedAsync(second, 1));
        Assert.True(toFirst.IsSignedWith(firstSecret));
        Assert.False(toFirst.IsSignedWith(secondSecret));
        Assert.True(toSecond.IsSignedWith(secondSecret));
        var payload = JsonDocument.Parse(toFirst.Body).RootElement;
        Assert.Equal("call.completed", payload.GetProperty("type").GetString());
        Assert.StartsWith("evt_", payload.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(toFirst.Body, toSecond.Body);
        var data = payload.GetProperty("data");
        Assert.Equal(callSid, data.GetProperty("callId").GetString());
        Assert.EndsWith($"/api/tenants/{_tenant.Id}/calls/{callSid}", data.GetProperty("links").GetProperty("call").GetString(), StringComparison.Ordinal);
        Assert.True(data.TryGetProperty("summary", out _) && data.TryGetProperty("intent", out _) && data.TryGetProperty("followUp", out _));
        Assert.True(data.TryGetProperty("latency", out _) && data.TryGetProperty("cost", out _));

        // The call's step run again (a replay, a retried activity) starts no second delivery.
        Assert.Equal(2, await _host.Get<WebhookDispatcher>().PlanCallAsync(_tenant.Id, callSid).ContinueWith(t => t.Result.Count));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(first.Received);
        Assert.Single(second.Received);
        var deliveries = await DeliveriesAsync();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d.GetProperty("status").GetString()));
        Assert.All(deliveries, d => Assert.Equal(200, Assert.Single(d.GetProperty("attempts").EnumerateArray()).GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_backoff_while_the_calls_workflow_completes_at_once()
    {
        var (receiver, secret) = await EndpointAsync();
        receiver.FailuresLeft = 2;

        var callSid = await FinishedCallAsync();
        var completedAt = (await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)))!.LastUpdatedAt;

        // By the engine's own completion time, not by when this test saw it: a loaded machine polls late.
        var received = await ReceivedAsync(receiver, 3);
        Assert.True(completedAt < received[2].At, $"the call's workflow completed at {completedAt:O}, after the third attempt at {received[2].At:O}");
        Assert.Equal([500, 500, 200], received.Select(r => r.Answered));
        Assert.All(received, r => Assert.True(r.IsSignedWith(secret)));
        Assert.Single(received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()).Distinct());
        var gaps = received.Zip(received.Skip(1), (a, b) => b.At - a.At).ToList();
        // Timers count from the orchestration's clock (its episode's start), a little before the request went out,
        // so each gap is somewhat under its interval; the doubling shows.
        Assert.True(gaps[1] - gaps[0] >= TimeSpan.FromSeconds(0.5) && gaps[0] + gaps[1] >= TimeSpan.FromSeconds(1.5), string.Join(", ", gaps));

        var delivery = Assert.Single(await DeliveriesUntilAsync(d => d.GetProperty("status").GetString() == "delivered"));
        Assert.Equal([500, 500, 200], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.NotEqual(JsonValueKind.Null, delivery.GetProperty("deliveredAt").ValueKind);
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_ends_failed_and_a_redelivery_sends_the_same_event_again()
    {
        var (receiver, secret) = await EndpointAsync();
        receiver.AlwaysFail = true;
        await FinishedCallAsync();

        var failed = Assert.Single(await DeliveriesUntilAsync(d => d.GetProperty("status").GetString() == "failed"));
        var attempts = failed.GetProperty("attempts").EnumerateArray().ToList();
        Assert.True(attempts.Count >= 3, $"{attempts.Count} attempts");
        Assert.All(attempts, a => Assert.Equal(500, a.GetProperty("statusCode").GetInt32()));
        var before = receiver.Received.Count;

        receiver.AlwaysFail = false;
        using var redeliver = await ApiAsync(HttpMethod.Post, $"webhooks/deliveries/{failed.GetProperty("id").GetString()}/redeliver");

        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        var again = await ReceivedAsync(receiver, before + 1);
        Assert.Equal(200, again[^1].Answered);
        Assert.True(again[^1].IsSignedWith(secret));
        Assert.Equal(again[0].Body, again[^1].Body);
        var all = await DeliveriesUntilAsync(d => d.GetProperty("status").GetString() == "delivered", count: 2);
        Assert.Equal(["delivered", "failed"], all.Select(d => d.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task After_a_rotation_events_carry_both_signatures_and_only_the_new_secret_is_shown()
    {
        var (receiver, oldSecret) = await EndpointAsync();
        var listed = await ListEndpointsAsync();
        var id = Assert.Single(listed).GetProperty("id").GetString();

        using var rotated = await ApiAsync(HttpMethod.Post, $"webhooks/{id}/rotate");
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        await FinishedCallAsync();

        var received = Assert.Single(await ReceivedAsync(receiver, 1));
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(2, received.Signature.Split(',').Count(p => p.StartsWith("v1=", StringComparison.Ordinal)));
        Assert.True(received.IsSignedWith(newSecret));
        Assert.True(received.IsSignedWith(oldSecret));
        Assert.False((await ListEndpointsAsync()).Single().TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData("ftp://example.com/hook", "[\"call.completed\"]", "https")]
    [InlineData("https://10.1.2.3/hook", "[\"call.completed\"]", "IP address")]
    [InlineData("https://169.254.169.254/latest", "[\"call.completed\"]", "IP address")]
    [InlineData("not a url", "[\"call.completed\"]", "absolute")]
    [InlineData("http://127.0.0.1:9/hook", "[]", "events")]
    [InlineData("http://127.0.0.1:9/hook", "[\"call.started\"]", "events")]
    [InlineData("http://127.0.0.1:9/hook", "[\"call.completed\",\"call.completed\"]", "events")]
    public async Task A_bad_url_or_event_list_is_a_400_and_registers_nothing(string url, string events, string reason)
    {
        using var answer = await ApiAsync(HttpMethod.Post, "webhooks", $"{{\"url\":{JsonSerializer.Serialize(url)},\"events\":{events}}}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(reason, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await ListEndpointsAsync());
    }

    [Fact]
    public async Task A_deleted_endpoint_gets_nothing_more()
    {
        var (receiver, _) = await EndpointAsync();
        var id = (await ListEndpointsAsync()).Single().GetProperty("id").GetString();

        using var deleted = await ApiAsync(HttpMethod.Delete, $"webhooks/{id}");
        await FinishedCallAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(receiver.Received);
        Assert.Empty(await ListEndpointsAsync());
    }

    private async Task<(WebhookReceiver Receiver, string Secret)> EndpointAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        _receivers.Add(receiver);
        using var created = await ApiAsync(HttpMethod.Post, "webhooks", JsonSerializer.Serialize(new { url = receiver.Url.AbsoluteUri, events = new[] { "call.completed" } }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (receiver, body.GetProperty("secret").GetString()!);
    }

    /// <summary>A call that rings and completes; returns once its workflow has completed.</summary>
    private async Task<string> FinishedCallAsync()
    {
        var callSid = TwilioCall.NewCallSid();
        var number = _tenant.VoiceNumbers[0];
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, number));
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
        using var timeout = new CancellationTokenSource(Patience);
        var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return callSid;
    }

    private static async Task<List<ReceivedWebhook>> ReceivedAsync(WebhookReceiver receiver, int count)
    {
        var until = DateTimeOffset.UtcNow + Patience;
        while (receiver.Received.Count < count && DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(100);
        }

        Assert.True(receiver.Received.Count >= count, $"{receiver.Received.Count} of {count} requests arrived");
        return [.. receiver.Received];
    }

    private async Task<List<JsonElement>> DeliveriesUntilAsync(Func<JsonElement, bool> done, int count = 1)
    {
        var until = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var deliveries = await DeliveriesAsync();
            if ((deliveries.Count >= count && deliveries.Count(done) >= 1 && deliveries.All(d => d.GetProperty("status").GetString() != "pending")) || DateTimeOffset.UtcNow > until)
            {
                return deliveries;
            }

            await Task.Delay(200);
        }
    }

    private async Task<List<JsonElement>> DeliveriesAsync()
    {
        using var answer = await ApiAsync(HttpMethod.Get, "webhooks/deliveries");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return [.. (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    private async Task<List<JsonElement>> ListEndpointsAsync()
    {
        using var answer = await ApiAsync(HttpMethod.Get, "webhooks");
        return [.. (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    private Task<HttpResponseMessage> ApiAsync(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, $"/api/tenants/{_tenant.Id}/{path}");
        request.Headers.Add("X-Api-Key", TestKeys.AdminKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return _host.Http.SendAsync(request);
    }
}
