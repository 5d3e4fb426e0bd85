using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

[Collection(CallCenterCollection.Name)]
public sealed class OutboundIdempotencyTests(CallCenterFixture fixture) : IAsyncLifetime
{
    private readonly CallCenterHost _host = fixture.Host;
    private readonly string _lead = "+1666" + Random.Shared.Next(1_000_000, 9_999_999);
    private Tenant _tenant = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        (_tenant, _key) = await _host.NewTenantWithKeyAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_same_idempotency_key_sent_three_times_and_five_at_once_gives_one_call_202_each_time_and_one_dial()
    {
        var key = Guid.NewGuid().ToString();

        var sequential = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            sequential.Add(await PlaceAsync(new { to = _lead }, key));
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PlaceAsync(new { to = _lead }, key)));

        var responses = sequential.Concat(concurrent).ToList();
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(IdAsync));
        Assert.Single(ids.Distinct());
        await WaitForDialAsync(ids[0]);
        await Task.Delay(1000);
        Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == _lead);
    }

    [Fact]
    public async Task The_same_key_with_another_body_gets_422_and_dials_nothing_more()
    {
        var key = Guid.NewGuid().ToString();
        var first = await PlaceAsync(new { to = _lead }, key);
        await WaitForDialAsync(await IdAsync(first));

        var other = await PlaceAsync(new { to = "+15550001234" }, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        await Task.Delay(1000);
        Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == _lead);
        Assert.DoesNotContain(_host.Twilio.CreatedCalls, c => c["To"] == "+15550001234");
    }

    [Fact]
    public async Task Different_keys_or_no_key_are_different_calls()
    {
        var ids = new[]
        {
            await IdAsync(await PlaceAsync(new { to = _lead }, "a-" + Guid.NewGuid())),
            await IdAsync(await PlaceAsync(new { to = _lead }, "b-" + Guid.NewGuid())),
            await IdAsync(await PlaceAsync(new { to = _lead }, null)),
        };

        Assert.Equal(3, ids.Distinct().Count());
        foreach (var id in ids)
        {
            await WaitForDialAsync(id); // no dial of this test outlives it
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a-key-over-255-characters-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task A_malformed_key_gets_400_and_nothing_is_dialled(string key)
    {
        using var request = Request(new { to = _lead });
        request.Headers.TryAddWithoutValidation(OutboundIdempotencyKeys.HeaderName, key);

        var response = await _host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Task.Delay(500);
        Assert.DoesNotContain(_host.Twilio.CreatedCalls, c => c["To"] == _lead);
    }

    [Fact]
    public async Task A_key_older_than_24_hours_starts_a_new_call()
    {
        var keys = new OutboundIdempotencyKeys(_host.Get<Core.Storage.CallCenterTables>(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-25)));
        var key = Guid.NewGuid().ToString();
        var fingerprint = OutboundIdempotencyKeys.Fingerprint(_lead, null, null);
        var (old, _) = await keys.ClaimAsync(_tenant.Id, key, fingerprint, OutboundCallNames.NewCallId());

        var renewed = await IdAsync(await PlaceAsync(new { to = _lead }, key));
        var replayed = await IdAsync(await PlaceAsync(new { to = _lead }, key));

        Assert.NotEqual(old, renewed);
        Assert.Equal(renewed, replayed);
        await WaitForDialAsync(renewed);
    }

    private async Task<HttpResponseMessage> PlaceAsync(object body, string? key)
    {
        using var request = Request(body);
        if (key is not null)
        {
            request.Headers.Add(OutboundIdempotencyKeys.HeaderName, key);
        }

        return await _host.Http.SendAsync(request);
    }

    private HttpRequestMessage Request(object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{_tenant.Id}/calls") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", _key);
        return request;
    }

    private static async Task<string> IdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

    private async Task WaitForDialAsync(string callId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var dial = await _host.Durable.WaitForInstanceCompletionAsync(OutboundCallNames.InstanceId(callId), getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, dial.RuntimeStatus);
    }
}
