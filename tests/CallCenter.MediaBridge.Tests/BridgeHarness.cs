using System.Collections.Concurrent;
using System.Net.Http.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;
using CallCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// The bridge on real Kestrel sockets on loopback, wired exactly as Program.cs wires it, with the fake
/// OpenAI Realtime server, the fake Twilio REST API and Azurite behind it.
/// </summary>
public sealed class BridgeHarness : IAsyncDisposable
{
    public const string AuthToken = "twilio-test-auth-token-0123456789";
    public const string AccountSid = "AC00000000000000000000000000000000";
    public const string SigningKey = "bridge-test-signing-key-0123456789abcdef";

    private readonly ConcurrentDictionary<string, SimulatedCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _schemaViolations = new();
    private readonly HttpClient _http = new();

    private BridgeHarness(FakeRealtimeServer openAi, FakeTwilioApi twilio, FakeWebPubSub liveEvents, WebApplication bridge, Uri mediaUrl, Uri baseUrl, CapturingLoggerProvider logs, string tenantId)
    {
        TenantId = tenantId;
        LiveEvents = liveEvents;
        OpenAi = openAi;
        Twilio = twilio;
        Bridge = bridge;
        MediaUrl = mediaUrl;
        BaseUrl = baseUrl;
        Logs = logs;

        // Every event either way is checked against OpenAI's published schema; DisposeAsync fails the test on any miss.
        OpenAi.Observer = (direction, message) =>
        {
            if (RealtimeSchema.Instance.Check(direction, message) is { } violation)
            {
                _schemaViolations.Enqueue(violation);
            }
        };
        Twilio.CallCompleted += async sid =>
        {
            if (_calls.TryGetValue(sid, out var call))
            {
                await call.HangUpAsync();
            }
        };

        // A redirect moves the call to new TwiML: Twilio ends its stream with stop.
        Twilio.CallRedirected += async (sid, _, _) =>
        {
            if (_calls.TryGetValue(sid, out var call))
            {
                await call.HangUpAsync();
            }
        };
    }

    public FakeRealtimeServer OpenAi { get; }
    public FakeTwilioApi Twilio { get; }
    public FakeWebPubSub LiveEvents { get; }
    public WebApplication Bridge { get; }
    public Uri MediaUrl { get; }
    /// <summary>The bridge's internal port: health, readiness and metrics.</summary>
    public Uri BaseUrl { get; }
    public CapturingLoggerProvider Logs { get; }
    public string TenantId { get; }

    /// <summary>Realtime events, from the bridge or the stand-in, that OpenAI's schema refuses.</summary>
    public IReadOnlyCollection<string> SchemaViolations => _schemaViolations;

    public static string NewTenantId() => "acme-" + Guid.NewGuid().ToString("N")[..8];

    public T Service<T>() where T : notnull => Bridge.Services.GetRequiredService<T>();

    public static async Task<BridgeHarness> StartAsync(
        AzuriteFixture azurite, FakeRealtimeScript script, IDictionary<string, string?>? settings = null, string? tenantId = null)
    {
        var openAi = await FakeRealtimeServer.StartAsync(script);
        var twilio = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);
        var liveEvents = await FakeWebPubSub.StartAsync("bridge-test-web-pubsub-key");
        var port = AzuriteServer.FreePort();
        var internalPort = AzuriteServer.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{internalPort}");
        var mediaUrl = new Uri($"ws://127.0.0.1:{port}/media");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "bridge.appsettings.json"), optional: false);
        var values = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = "b" + Guid.NewGuid().ToString("N")[..12],
            ["Bridge:StreamUrl"] = mediaUrl.ToString(),
            ["Bridge:TokenSigningKey"] = SigningKey,
            ["OpenAI:ApiKey"] = "sk-test",
            ["WebPubSub:Endpoint"] = liveEvents.Root.ToString(),
            ["WebPubSub:AccessKey"] = liveEvents.AccessKey,
            ["MediaBridge:OpenAiEndpoint"] = openAi.Endpoint.ToString(),
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiBaseUrl"] = twilio.Root.ToString(),
            ["MediaBridge:GoodbyeTimeout"] = "00:00:20",
            ["MediaBridge:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MediaBridge:InternalPort"] = internalPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        builder.Configuration.AddInMemoryCollection(values);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.AddMediaBridgeHost();
        var app = builder.Build();
        app.UseMediaBridge();
        await app.Services.GetRequiredService<CallCenterTables>().CreateIfNotExistsAsync();
        await app.StartAsync();
        var harness = new BridgeHarness(openAi, twilio, liveEvents, app, mediaUrl, baseUrl, logs, tenantId ?? NewTenantId());
        // Silence re-prompts at the longest, so a loaded machine's slow waits never add a response a test does not
        // expect; the silence tests set their own.
        await harness.Service<TenantStore>().SaveAsync(new Tenant
        {
            Id = harness.TenantId, Name = "Acme Plumbing", VoiceNumbers = [], SilenceRepromptSeconds = 120, SilenceGoodbyeSeconds = 120,
        });
        return harness;
    }

    /// <summary>A call log and lead for a new CallSid, as the voice webhook would have left them.</summary>
    public Task<(string CallSid, Lead Lead)> SeedCallAsync(CallDirection direction = CallDirection.Inbound) =>
        SeedCallAsync(Bridge.Services, TenantId, direction);

    /// <summary>As <see cref="SeedCallAsync(CallDirection)"/>, in the storage <paramref name="services"/> reach (for a bridge run without a harness).</summary>
    public static async Task<(string CallSid, Lead Lead)> SeedCallAsync(IServiceProvider services, string tenantId, CallDirection direction = CallDirection.Inbound)
    {
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        var phone = "+1555" + Random.Shared.Next(1000000, 9999999);
        var (lead, _) = await services.GetRequiredService<LeadStore>().GetOrCreateByPhoneAsync(tenantId, phone, LeadSources.InboundCall, "Dana");
        await services.GetRequiredService<CallLogStore>().CreateIfMissingAsync(new CallLog
        {
            TenantId = tenantId,
            CallSid = callSid,
            Direction = direction,
            From = direction == CallDirection.Inbound ? phone : "+15550000000",
            To = direction == CallDirection.Inbound ? "+15550000000" : phone,
            LeadId = lead.Id,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        return (callSid, lead);
    }

    public string Token(string callSid, CallDirection direction = CallDirection.Inbound) =>
        Service<StreamTokens>().Issue(TenantId, callSid, direction);

    public SimulatedCallOptions CallOptions(string callSid, string? token, IReadOnlyList<CallerStep> script) => new()
    {
        StreamUrl = MediaUrl,
        AuthToken = AuthToken,
        CallSid = callSid,
        Parameters = token is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [StreamTokens.ParameterName] = token },
        Script = script,
    };

    /// <summary>Starts a simulated call; a hangup at the fake Twilio REST API ends its stream.</summary>
    public async Task<SimulatedCall> CallAsync(SimulatedCallOptions options)
    {
        var call = await SimulatedCall.StartAsync(options);
        _calls[options.CallSid] = call;
        Twilio.CallUp(options.CallSid);
        return call;
    }

    public async Task<BridgeMetricsSnapshot> MetricsAsync() =>
        (await _http.GetFromJsonAsync<BridgeMetricsSnapshot>(new Uri(BaseUrl, "/metrics")))!;

    /// <summary>Waits (generously: the machine may be loaded) until the bridge holds no session, socket or task.</summary>
    public async Task<BridgeMetricsSnapshot> WaitUntilIdleAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var m = await MetricsAsync();
            if ((m.ActiveSessions == 0 && m.OpenSockets == 0 && m.BackgroundTasks == 0) || DateTime.UtcNow > deadline)
            {
                return m;
            }

            await Task.Delay(50);
        }
    }

    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var call in _calls.Values)
        {
            await call.DisposeAsync();
        }

        // A test that left a socket open must not wait out the bridge's shutdown grace.
        using (var stopNow = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await Bridge.StopAsync(stopNow.Token);
        }

        await Bridge.DisposeAsync();
        await OpenAi.DisposeAsync();
        await LiveEvents.DisposeAsync();
        await Twilio.DisposeAsync();
        _http.Dispose();
        var refused = _calls.Values.SelectMany(c => c.Refused).ToList();
        if (refused.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"Twilio would refuse what the bridge sent: {string.Join("; ", refused.Distinct())}");
        }

        if (!_schemaViolations.IsEmpty)
        {
            throw new Xunit.Sdk.XunitException(
                $"{_schemaViolations.Count} Realtime events do not match OpenAI's schema:\n{string.Join("\n", _schemaViolations.Distinct().Take(10))}");
        }
    }
}
