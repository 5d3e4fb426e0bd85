using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Fakes;

namespace CallCenter.Calls.Tests;

/// <summary>The local host as its own process, killed with SIGKILL after Twilio accepted a dial and before the host wrote it.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class DialCrashTests(CallCenterFixture fixture)
{
    [Fact]
    public async Task Killing_the_host_between_twilio_accepting_the_dial_and_our_write_and_restarting_it_rings_the_lead_once()
    {
        await using var twilio = await FakeTwilioApi.StartAsync(CallCenterHost.AccountSid, CallCenterHost.AuthToken);
        await using var openAi = await FakeOpenAiApi.StartAsync();
        twilio.CreateDelay = TimeSpan.FromMinutes(10); // Twilio has placed the call; its answer never reaches the host
        var accepted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        twilio.CallAccepted += sid => accepted.TrySetResult(sid);
        using var crashing = new KillableHost(fixture, twilio, openAi);
        var tenant = "dial-" + crashing.Unique;
        var (ours, lead) = ("+1555" + Random.Shared.Next(1_000_000, 9_999_999), "+1666" + Random.Shared.Next(1_000_000, 9_999_999));
        var key = ("Idempotency-Key", "crm-task-" + crashing.Unique);

        string callId, placedSid;
        using (var host = await crashing.StartAsync())
        {
            await crashing.AdminAsync(HttpMethod.Post, "/api/tenants", new { id = tenant, name = "Dial crash", voiceNumbers = new[] { ours } });
            callId = await PlaceAsync(crashing, tenant, lead, key);
            placedSid = await accepted.Task.WaitAsync(TimeSpan.FromMinutes(2));

            await host.KillAsync();
        }

        twilio.CreateDelay = TimeSpan.Zero;
        JsonElement call;
        using (var restarted = await crashing.StartAsync())
        {
            // The dial activity runs again once the killed host's hold on it lapses.
            await KillableHost.WaitUntilAsync(async () => (await CallsAsync(crashing, tenant)).Count == 1, TimeSpan.FromMinutes(3));

            // The client, which never got to see its call placed, retries with its key: the same call, no dial.
            Assert.Equal(callId, await PlaceAsync(crashing, tenant, lead, key));
            await Task.Delay(TimeSpan.FromSeconds(5)); // a second dial, if any, would be made by now
            call = Assert.Single(await CallsAsync(crashing, tenant));
        }

        Assert.Equal([placedSid], twilio.CreatedCalls.Where(c => c["To"] == lead).Select(c => c["Sid"]));
        Assert.Equal((placedSid, "outbound", lead), (call.GetProperty("id").GetString(), call.GetProperty("direction").GetString(), call.GetProperty("to").GetString()));
    }

    private static async Task<string> PlaceAsync(KillableHost host, string tenant, string to, (string, string) key)
    {
        var response = await host.AdminAsync(HttpMethod.Post, $"/api/tenants/{tenant}/calls", new { to }, key);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<List<JsonElement>> CallsAsync(KillableHost host, string tenant)
    {
        var response = await host.AdminAsync(HttpMethod.Get, $"/api/tenants/{tenant}/calls");
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }
}
