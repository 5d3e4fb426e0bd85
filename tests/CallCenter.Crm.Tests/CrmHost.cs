using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Fakes;
using CallCenter.Local.Host;
using CallCenter.Testing;

namespace CallCenter.Crm.Tests;

/// <summary>
/// One local host per test class (port 0, its own table prefix and task hub) on the run's Azurite, with the
/// fake Meta Graph, fake Twilio Messages and a chat-completions stub on loopback.
/// </summary>
public sealed class CrmHost : IAsyncLifetime
{
    public const string MetaAppSecret = MetaWhatsApp.AppSecret;
    public const string TwilioAuthToken = TwilioCall.AuthToken;
    public const string TwilioAccountSid = TwilioCall.AccountSid;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private LocalHost? _host;

    public LocalHost Host => _host ?? throw new InvalidOperationException("Call StartAsync first.");
    public FakeMetaGraph Meta { get; private set; } = null!;
    public FakeTwilioMessaging Twilio { get; private set; } = null!;
    public ChatCompletionsStub Chat { get; private set; } = null!;
    public FakeTwilioApi TwilioApi { get; private set; } = null!;

    /// <summary>The prefix of this host's tables and the name of its recordings container, for snapshots.</summary>
    public string TablePrefix { get; private set; } = "";
    public string RecordingsContainer { get; private set; } = "";
    public HttpClient Http { get; private set; } = null!;

    public async Task<CrmHost> StartAsync(AzuriteFixture azurite)
    {
        await _gate.WaitAsync();
        try
        {
            if (_host is not null)
            {
                return this;
            }

            Meta = await FakeMetaGraph.StartAsync();
            Twilio = await FakeTwilioMessaging.StartAsync();
            Chat = await ChatCompletionsStub.StartAsync();
            TwilioApi = await FakeTwilioApi.StartAsync(TwilioAccountSid, TwilioAuthToken);
            var unique = Guid.NewGuid().ToString("N")[..10];
            TablePrefix = "c" + unique;
            RecordingsContainer = "rec-" + unique;
            _host = await LocalHost.StartAsync(new LocalHostSettings
            {
                Port = 0,
                StorageConnectionString = azurite.ConnectionString,
                TaskHub = "crm" + unique,
                Settings = new Dictionary<string, string?>
                {
                    ["Logging:LogLevel:Default"] = "Warning",
                    ["Storage:TablePrefix"] = TablePrefix,
                    ["Storage:RecordingsContainer"] = RecordingsContainer,
                    ["Twilio:ApiBaseUrl"] = TwilioApi.Root.AbsoluteUri,
                    ["Auth:AdminKey"] = TestKeys.AdminKey,
                    ["Twilio:AccountSid"] = TwilioAccountSid,
                    ["Twilio:AuthToken"] = TwilioAuthToken,
                    ["Bridge:StreamUrl"] = "ws://127.0.0.1:1/media",
                    ["Bridge:TokenSigningKey"] = "test-bridge-signing-key-0123456789abcdef",
                    ["OpenAI:ApiKey"] = "test",
                    ["OpenAI:Endpoint"] = new Uri(Chat.Root, "v1").AbsoluteUri,
                    ["WhatsApp:MetaAppSecret"] = MetaAppSecret,
                    ["WhatsApp:MetaAccessToken"] = "test-meta-token",
                    ["WhatsApp:MetaGraphBaseUrl"] = Meta.BaseUrl.AbsoluteUri,
                    ["WhatsApp:TwilioMessagingBaseUrl"] = Twilio.BaseUrl.AbsoluteUri,
                },
            });
            Http = new HttpClient { BaseAddress = _host.BaseUrl };
            return this;
        }
        finally
        {
            _gate.Release();
        }
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    public async Task<(int Status, JsonElement Body, string Raw)> SendAsync(HttpMethod method, string path, string? key, object? json = null)
    {
        using var response = await Http.SendAsync(Request(method, path, key, json));
        var raw = await response.Content.ReadAsStringAsync();
        var body = raw.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json") ?? false)
            ? JsonDocument.Parse(raw).RootElement.Clone()
            : default;
        return ((int)response.StatusCode, body, raw);
    }

    /// <summary>Creates a tenant through the admin API and issues it a key.</summary>
    public async Task<string> CreateTenantAsync(string id, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["id"] = id, ["name"] = "Tenant " + id };
        foreach (var p in extra?.GetType().GetProperties() ?? [])
        {
            body[p.Name] = p.GetValue(extra);
        }

        var (status, _, raw) = await SendAsync(HttpMethod.Post, "/api/tenants", TestKeys.AdminKey, body);
        Assert.True(status == 201, raw);
        var (keyStatus, key, keyRaw) = await SendAsync(HttpMethod.Post, $"/api/tenants/{id}/keys", TestKeys.AdminKey, new { name = "test" });
        Assert.True(keyStatus == 201, keyRaw);
        return key.GetProperty("key").GetString()!;
    }

    public async Task InitializeAsync() => await Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        foreach (var fake in new LoopbackServer?[] { Meta, Twilio, Chat, TwilioApi })
        {
            if (fake is not null)
            {
                await fake.DisposeAsync();
            }
        }
    }
}
