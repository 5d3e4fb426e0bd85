using System.Globalization;
using System.Net.Http.Json;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.Testing;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The local host as its own process on the collection's Azurite and the given fakes, with tables, task hub
/// and port of its own: started, killed with SIGKILL at a crash window, and started again on the same state.
/// </summary>
public sealed class KillableHost : IDisposable
{
    // storageConnectionString: another way to the collection's Azurite (a relay), when not directly.
    public KillableHost(CallCenterFixture fixture, FakeTwilioApi twilio, FakeOpenAiApi openAi, string? storageConnectionString = null)
    {
        var port = AzuriteServer.FreePort();
        Environment = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = storageConnectionString ?? fixture.StorageConnectionString,
            ["Storage__TablePrefix"] = "k" + Unique,
            ["Storage__RecordingsContainer"] = "crash-" + Unique,
            ["Local__TaskHub"] = "k" + Unique,
            ["Local__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Twilio__AccountSid"] = CallCenterHost.AccountSid,
            ["Twilio__AuthToken"] = CallCenterHost.AuthToken,
            ["Twilio__ApiBaseUrl"] = twilio.Root.AbsoluteUri,
            ["OpenAI__Endpoint"] = openAi.Endpoint.AbsoluteUri,
            ["Auth__AdminKey"] = TestKeys.AdminKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    /// <summary>Names this host's tables, container and task hub; tenants can take it too.</summary>
    public string Unique { get; } = Guid.NewGuid().ToString("N")[..10];

    public IReadOnlyDictionary<string, string> Environment { get; }

    public HttpClient Http { get; }

    /// <summary>Starts the host and waits until it answers its health check.</summary>
    public async Task<LocalHostProcess> StartAsync()
    {
        var host = LocalHostProcess.Start(["--no-call"], Environment);
        try
        {
            await WaitUntilAsync(async () =>
            {
                Assert.False(host.Process.HasExited, $"the local host exited at start:\n{host.Output}");
                try
                {
                    return (await Http.GetAsync("/api/health")).IsSuccessStatusCode;
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

    public async Task PostSignedAsync(string path, Dictionary<string, string> form)
    {
        using var request = TwilioCall.Request(Http.BaseAddress!, path, form);
        (await Http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    /// <summary>A request with the admin key; <paramref name="headers"/> are added to it.</summary>
    public async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", TestKeys.AdminKey);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return (await Http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within {timeout}");
            await Task.Delay(250);
        }
    }

    public void Dispose() => Http.Dispose();
}
