using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Fakes;
using CallCenter.Local.Host;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Calls.Tests;

[CollectionDefinition(Name)]
public sealed class CallCenterCollection : ICollectionFixture<CallCenterFixture>
{
    public const string Name = "CallCenter";
}

/// <summary>One Azurite and one local host for the whole collection; each test uses tenants of its own.</summary>
public sealed class CallCenterFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public CallCenterHost Host { get; private set; } = null!;

    public string StorageConnectionString => _azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Host = await CallCenterHost.StartAsync(_azurite);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}

/// <summary>The local host on the test run's Azurite, with fake Twilio and OpenAI APIs, and a signing Twilio client.</summary>
public sealed class CallCenterHost : IAsyncDisposable
{
    public const string AccountSid = TwilioCall.AccountSid;
    public const string AuthToken = TwilioCall.AuthToken;

    private CallCenterHost(LocalHost host, FakeTwilioApi twilio, FakeOpenAiApi openAi)
    {
        Host = host;
        Twilio = twilio;
        OpenAi = openAi;
        Http = new HttpClient { BaseAddress = host.BaseUrl };
    }

    public LocalHost Host { get; }
    public FakeTwilioApi Twilio { get; }
    public FakeOpenAiApi OpenAi { get; }
    public HttpClient Http { get; }
    public DurableTaskClient Durable => Host.Services.GetRequiredService<DurableTaskClient>();
    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public static async Task<CallCenterHost> StartAsync(AzuriteFixture azurite, IDictionary<string, string?>? settings = null)
    {
        var twilio = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);
        var openAi = await FakeOpenAiApi.StartAsync();
        var unique = Guid.NewGuid().ToString("N")[..10];
        var values = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Storage:TablePrefix"] = "c" + unique,
            ["Storage:RecordingsContainer"] = "rec-" + unique,
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiBaseUrl"] = twilio.Root.AbsoluteUri,
            ["OpenAI:Endpoint"] = openAi.Endpoint.AbsoluteUri,
            ["OpenAI:ApiKey"] = "test",
            ["Auth:AdminKey"] = TestKeys.AdminKey,
            ["Bridge:StreamUrl"] = "wss://bridge.test/media",
            ["Bridge:TokenSigningKey"] = "test-bridge-signing-key-0123456789abcdef",
            ["CallWorkflow:Timings:RecordingTimeout"] = "00:03:00",
            ["CallWorkflow:Timings:FirstRetryInterval"] = "00:00:01",
            ["CallWorkflow:Timings:MaxRetryInterval"] = "00:00:02",
            ["CallWorkflow:Timings:MaxAttempts"] = "3",
            ["Webhooks:Timings:FirstRetryInterval"] = "00:00:01",
            ["Webhooks:Timings:MaxRetryInterval"] = "00:00:02",
            ["Webhooks:Timings:GiveUpAfter"] = "00:00:06",
            ["Webhooks:RequestTimeout"] = "00:00:05",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        var host = await LocalHost.StartAsync(new LocalHostSettings
        {
            Port = 0,
            StorageConnectionString = azurite.ConnectionString,
            TaskHub = "t" + unique,
            Settings = values,
        });
        return new CallCenterHost(host, twilio, openAi);
    }

    /// <summary>A new tenant with a number of its own, so tests sharing the host never see each other's calls.</summary>
    public async Task<Tenant> NewTenantAsync(TranscriptionPolicy policy = TranscriptionPolicy.FallbackToRecording, string timeZone = "UTC")
    {
        var tenant = new Tenant
        {
            Id = "t-" + Guid.NewGuid().ToString("N")[..12],
            Name = "Test tenant",
            VoiceNumbers = ["+1555" + Random.Shared.Next(1_000_000, 9_999_999)],
            TranscriptionPolicy = policy,
            TimeZone = timeZone,
        };
        await Get<TenantStore>().SaveAsync(tenant);
        return tenant;
    }

    /// <summary>Posts a webhook signed as Twilio signs it (or unsigned, or signed with another token).</summary>
    public Task<HttpResponseMessage> PostTwilioAsync(string path, IReadOnlyDictionary<string, string> form, string? signWith = AuthToken) =>
        Http.SendAsync(TwilioCall.Request(Host.BaseUrl, path, form, signWith));

    /// <summary>
    /// One answered call as Twilio and the bridge leave it: the voice webhook, two turns the realtime session
    /// heard, the completed status and the recording callback.
    /// </summary>
    public async Task AnsweredCallAsync(Tenant tenant, string callSid, string recordingSid)
    {
        await PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        await Get<TurnStore>().AppendAsync(tenant.Id,
        [
            new ConversationTurn(callSid, 1, TurnRole.Agent, "Hello, how can I help?", TimeSpan.Zero),
            new ConversationTurn(callSid, 2, TurnRole.Caller, "I need a plumber.", TimeSpan.FromSeconds(2)),
        ]);
        await PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3));
        await PostTwilioAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, Twilio.RecordingUrl(recordingSid)));
    }

    /// <summary>Posts a signed Twilio webhook and expects Twilio's 200.</summary>
    public async Task PostTwilioOkAsync(string path, Dictionary<string, string> form)
    {
        using var response = await PostTwilioAsync(path, form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Waits for the call's workflow to complete (with its input and output) and says why when it did not.</summary>
    public async Task<OrchestrationMetadata> CallWorkflowCompletedAsync(string callSid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), getInputsAndOutputs: true, timeout.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        return done;
    }

    /// <summary>
    /// The settings a service collection of the product's own needs to run over this host's tables and blobs (the
    /// tests that count a step's storage requests build one with logging clients).
    /// </summary>
    public IConfiguration ProductConfiguration(string storageConnectionString) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Storage:TablePrefix"] = Host.App.Configuration["Storage:TablePrefix"],
            ["Storage:RecordingsContainer"] = Host.App.Configuration["Storage:RecordingsContainer"],
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:PublicBaseUrl"] = "https://calls.test/",
            ["OpenAI:ApiKey"] = "unused",
            ["Bridge:StreamUrl"] = "wss://bridge.test/media",
            ["Bridge:TokenSigningKey"] = "test-bridge-signing-key-0123456789abcdef",
            ["WebPubSub:Endpoint"] = "http://127.0.0.1:9/",
            // A slow machine must not expire a warmed tenant between two calls.
            ["TenantCache:Ttl"] = "00:05:00",
        }).Build();

    /// <summary>A new tenant (<see cref="NewTenantAsync"/>) and an API key of its own, as a CRM holds one.</summary>
    public async Task<(Tenant Tenant, string Key)> NewTenantWithKeyAsync()
    {
        var tenant = await NewTenantAsync();
        return (tenant, (await Get<ApiKeyService>().IssueAsync(tenant.Id, "crm")).Key);
    }

    /// <summary>A request to the API with a tenant's key, and <paramref name="body"/> as JSON when given.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return await Http.SendAsync(request);
    }

    /// <summary>An outbound call placed through the API (202) and dialled: its id and the CallSid Twilio gave it.</summary>
    public async Task<(string CallId, string CallSid)> PlaceCallAsync(string tenantId, string key, string to)
    {
        var response = await SendAsync(HttpMethod.Post, $"/api/tenants/{tenantId}/calls", key, new { to });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var callId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var dial = await Durable.WaitForInstanceCompletionAsync(OutboundCallNames.InstanceId(callId), getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, dial.RuntimeStatus);
        return (callId, dial.ReadOutputAs<string>()!);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await Twilio.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}
