using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Fakes;

namespace CallCenter.Calls.Tests;

/// <summary>The local host as its own process, killed with SIGKILL after a prompt save wrote its version and before it moved the pointer.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class PromptSaveCrashTests(CallCenterFixture fixture)
{
    [Fact]
    public async Task Killing_the_host_between_a_prompt_versions_write_and_its_pointer_move_leaves_the_next_save_quick_and_current()
    {
        await using var twilio = await FakeTwilioApi.StartAsync(CallCenterHost.AccountSid, CallCenterHost.AuthToken);
        await using var openAi = await FakeOpenAiApi.StartAsync();
        await using var storage = HoldingTableProxy.Start(fixture.StorageConnectionString);
        using var crashing = new KillableHost(fixture, twilio, openAi, storage.ConnectionString);
        var tenant = "prompt-" + crashing.Unique;
        var prompt = $"/api/tenants/{tenant}/prompts/voice-inbound";

        using (var host = await crashing.StartAsync())
        {
            await crashing.AdminAsync(HttpMethod.Post, "/api/tenants", new { id = tenant, name = "Prompt crash", voiceNumbers = new[] { "+1555" + Random.Shared.Next(1_000_000, 9_999_999) } });
            await crashing.AdminAsync(HttpMethod.Put, prompt, new { instructions = "version 1" });

            // The pointer row (RowKey = the channel alone) is replaced under its ETag: hold that write.
            storage.Hold = line => line.StartsWith("PUT ", StringComparison.Ordinal) && line.Contains("Prompts(", StringComparison.Ordinal)
                && (line.Contains("RowKey=%27voice-inbound%27)", StringComparison.Ordinal) || line.Contains("RowKey='voice-inbound')", StringComparison.Ordinal));
            var torn = crashing.AdminAsync(HttpMethod.Put, prompt, new { instructions = "version 2, torn" });
            await storage.Held.Task.WaitAsync(TimeSpan.FromMinutes(1));

            await host.KillAsync();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => torn);
        }

        storage.Hold = null;
        JsonElement after;
        TimeSpan took;
        using (var restarted = await crashing.StartAsync())
        {
            Assert.Equal(1, (await GetAsync(crashing, prompt)).GetProperty("currentVersion").GetInt32()); // the torn state

            // A save of another channel first: the clock below times the repair, not a new process's first save (JIT, connections).
            await crashing.AdminAsync(HttpMethod.Put, $"/api/tenants/{tenant}/prompts/whatsapp", new { instructions = "warm-up" });

            var clock = Stopwatch.StartNew();
            var saved = await crashing.AdminAsync(HttpMethod.Put, prompt, new { instructions = "version 3" }).WaitAsync(TimeSpan.FromSeconds(30));
            took = clock.Elapsed;
            Assert.Equal(3, (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
            after = await GetAsync(crashing, prompt);
        }

        // The old code retried the same version number forever; a bound far above a loaded machine's noise
        // tells that apart without timing the happy path.
        Assert.True(took < TimeSpan.FromSeconds(10), $"the save after the crash took {took.TotalMilliseconds:F0} ms");
        Assert.Equal(3, after.GetProperty("currentVersion").GetInt32());
        Assert.Equal("version 3", after.GetProperty("current").GetProperty("instructions").GetString());
        Assert.Equal([1, 2, 3], after.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    private static async Task<JsonElement> GetAsync(KillableHost host, string path) =>
        await (await host.AdminAsync(HttpMethod.Get, path)).Content.ReadFromJsonAsync<JsonElement>();
}
