using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using CallCenter.Fakes;
using CallCenter.Testing;

namespace CallCenter.Calls.Tests;

/// <summary>The local host as its own process, killed with SIGKILL in the middle of a recording download.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class CrashRecoveryTests(CallCenterFixture fixture)
{
    [Fact]
    public async Task Killing_the_host_during_the_download_and_restarting_it_completes_the_workflow_with_one_blob_and_one_transcription()
    {
        await using var twilio = await FakeTwilioApi.StartAsync(CallCenterHost.AccountSid, CallCenterHost.AuthToken);
        await using var openAi = await FakeOpenAiApi.StartAsync();
        twilio.FetchDelay = TimeSpan.FromSeconds(30);
        using var crashing = new KillableHost(fixture, twilio, openAi);
        var tenant = "crash-" + crashing.Unique;
        var number = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());

        using (var host = await crashing.StartAsync())
        {
            await crashing.AdminAsync(HttpMethod.Post, "/api/tenants", new { id = tenant, name = "Crash test", voiceNumbers = new[] { number } });
            await crashing.PostSignedAsync("/api/twilio/voice", TwilioCall.Voice(callSid, number));
            await crashing.PostSignedAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
            await crashing.PostSignedAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, twilio.RecordingUrl(recordingSid)));
            await KillableHost.WaitUntilAsync(() => twilio.RecordingFetches.ContainsKey(recordingSid), TimeSpan.FromMinutes(2));

            await host.KillAsync(); // disposing kills it too when the test fails before this line
        }

        twilio.FetchDelay = TimeSpan.Zero;
        using var restarted = await crashing.StartAsync();
        try
        {
            await KillableHost.WaitUntilAsync(async () => await WorkflowStatusAsync(crashing.Http, tenant, callSid) == "Completed", TimeSpan.FromMinutes(3));
        }
        finally
        {
            await restarted.KillAsync();
        }

        var container = new BlobContainerClient(fixture.StorageConnectionString, "crash-" + crashing.Unique);
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, tenant + "/", CancellationToken.None))
        {
            blobs.Add(blob.Name);
        }

        Assert.Single(blobs);
        Assert.EndsWith($"{callSid}/{recordingSid}.wav", blobs[0], StringComparison.Ordinal);
        Assert.Equal(1, openAi.Transcriptions);
    }

    private static async Task<string?> WorkflowStatusAsync(HttpClient http, string tenant, string callSid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant}/calls/{callSid}/workflow");
        request.Headers.Add("X-Api-Key", TestKeys.AdminKey);
        var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : null;
    }
}
