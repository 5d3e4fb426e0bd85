using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using CallCenter.DevServices;
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
        var unique = Guid.NewGuid().ToString("N")[..10];
        var port = AzuriteServer.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = fixture.StorageConnectionString,
            ["Storage__TablePrefix"] = "k" + unique,
            ["Storage__RecordingsContainer"] = "crash-" + unique,
            ["Local__TaskHub"] = "k" + unique,
            ["Local__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Twilio__AccountSid"] = CallCenterHost.AccountSid,
            ["Twilio__AuthToken"] = CallCenterHost.AuthToken,
            ["Twilio__ApiBaseUrl"] = twilio.Root.AbsoluteUri,
            ["OpenAI__Endpoint"] = openAi.Endpoint.AbsoluteUri,
            ["Auth__AdminKey"] = TestKeys.AdminKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = baseUrl };
        var tenant = "crash-" + unique;
        var number = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());

        using (var host = await StartHostAsync(environment, http))
        {
            await AdminAsync(http, HttpMethod.Post, "/api/tenants", new { id = tenant, name = "Crash test", voiceNumbers = new[] { number } });
            await PostSignedAsync(http, "/api/twilio/voice", TwilioCall.Voice(callSid, number));
            await PostSignedAsync(http, "/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
            await PostSignedAsync(http, "/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, twilio.RecordingUrl(recordingSid)));
            await WaitUntilAsync(() => twilio.RecordingFetches.ContainsKey(recordingSid), TimeSpan.FromMinutes(2));

            await host.KillAsync(); // disposing kills it too when the test fails before this line
        }

        twilio.FetchDelay = TimeSpan.Zero;
        using var restarted = await StartHostAsync(environment, http);
        try
        {
            await WaitUntilAsync(async () => await WorkflowStatusAsync(http, tenant, callSid) == "Completed", TimeSpan.FromMinutes(3));
        }
        finally
        {
            await restarted.KillAsync();
        }

        var container = new BlobContainerClient(fixture.StorageConnectionString, "crash-" + unique);
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, tenant + "/", CancellationToken.None))
        {
            blobs.Add(blob.Name);
        }

        Assert.Single(blobs);
        Assert.EndsWith($"{callSid}/{recordingSid}.wav", blobs[0], StringComparison.Ordinal);
        Assert.Equal(1, openAi.Transcriptions);
    }

    private static async Task<LocalHostProcess> StartHostAsync(Dictionary<string, string> environment, HttpClient http)
    {
        var host = LocalHostProcess.Start(["--no-call"], environment);
        try
        {
            await WaitUntilAsync(async () =>
            {
                Assert.False(host.Process.HasExited, $"the local host exited at start:\n{host.Output}");
                try
                {
                    return (await http.GetAsync("/api/health")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromMinutes(1));
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    private static async Task PostSignedAsync(HttpClient http, string path, Dictionary<string, string> form)
    {
        var url = new Uri(http.BaseAddress!, path).AbsoluteUri;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(CallCenterHost.AuthToken, url, form));
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static async Task AdminAsync(HttpClient http, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", TestKeys.AdminKey);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static async Task<string?> WorkflowStatusAsync(HttpClient http, string tenant, string callSid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant}/calls/{callSid}/workflow");
        request.Headers.Add("X-Api-Key", TestKeys.AdminKey);
        var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : null;
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within {timeout}");
            await Task.Delay(250);
        }
    }
}
