using System.Diagnostics;
using System.Globalization;
using CallCenter.Core.Calls;
using CallCenter.Core.Hosting;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// The media bridge (<c>BridgeLoad serve-bridge</c>) with everything it needs: a seeded tenant in Azurite, the fake
/// Twilio REST API and Web PubSub. It checks each caller's signature and stream token, serves <c>/healthz</c> and
/// <c>/metrics</c> on its internal port. With <c>--bridge-exe PATH</c> it is that published bridge instead
/// (<c>media-bridge/Program.cs</c> with core's prompt builder): the Native AOT binary, or a JIT publish's apphost.
/// </summary>
internal sealed class BridgeUnderTest : SystemUnderTest
{
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private const string AuthToken = "bench-twilio-auth-token-0123456789";
    private const string AccountSid = "AC00000000000000000000000000000000";
    private const string SigningKey = "bench-signing-key-0123456789abcdef0123";

    private readonly HttpClient _http;
    private readonly StreamTokens _tokens;
    private readonly IHost _seed;
    private readonly FakeWebPubSub _liveEvents;
    private readonly FakeTwilioApi _twilio;

    private BridgeUnderTest(Uri mediaUrl, Process process, HttpClient http, IHost seed, FakeWebPubSub liveEvents, FakeTwilioApi twilio, bool jitted)
        : base(BenchOptions.Bridge, mediaUrl, process)
    {
        Jitted = jitted;
        _http = http;
        _seed = seed;
        _tokens = seed.Services.GetRequiredService<StreamTokens>();
        _liveEvents = liveEvents;
        _twilio = twilio;
        Signature = TwilioRequestSigner.Sign(AuthToken, mediaUrl.ToString(), []);
    }

    public override bool Jitted { get; }

    public override string Signature { get; }

    public static async Task<BridgeUnderTest> StartAsync(AzuriteServer azurite, LoadRealtimeServer openAi, BenchOptions options, string tablePrefix)
    {
        var liveEvents = await FakeWebPubSub.StartAsync("bench-web-pubsub-key");
        var twilio = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);
        var port = FreePort();
        var internalPort = FreePort();
        var mediaUrl = new Uri($"ws://127.0.0.1:{port}/media");
        var settings = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = tablePrefix,
            ["Bridge__StreamUrl"] = mediaUrl.ToString(),
            ["Bridge__TokenSigningKey"] = SigningKey,
            ["OpenAI__ApiKey"] = "sk-bench",
            ["WebPubSub__Endpoint"] = liveEvents.Root.ToString(),
            ["WebPubSub__AccessKey"] = liveEvents.AccessKey,
            ["MediaBridge__OpenAiEndpoint"] = openAi.Endpoint.ToString(),
            ["Twilio__AccountSid"] = AccountSid,
            ["Twilio__AuthToken"] = AuthToken,
            ["Twilio__ApiBaseUrl"] = twilio.Root.ToString(),
            ["MediaBridge__TranscriptQueueCapacity"] = "65536",
            ["MediaBridge__RealtimeTransport"] = options.Transport,
            ["MediaBridge__InlineSocketScheduling"] = options.Inline,
            ["Logging__LogLevel__Default"] = "Warning",
            ["MediaBridge__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["MediaBridge__InternalPort"] = internalPort.ToString(CultureInfo.InvariantCulture),

            // The container's environment (media-bridge/Dockerfile, infra/modules/media-bridge.bicep); the rest of
            // the runtime settings come from the bridge's own runtimeconfig, which the bridge process is started with.
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            [InlineCompletions] = "1",
            ["DOTNET_GCgen0size"] = "200000",

            // For `perf` profiles of the bridge: JIT-compiled methods get names in /tmp/perf-<pid>.map.
            ["DOTNET_PerfMapEnabled"] = options.PerfMap ? "1" : "0",
        };

        // Seed the tenant with the same storage settings the bridge reads.
        var seed = Host.CreateApplicationBuilder();
        seed.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = tablePrefix,
            ["Bridge:StreamUrl"] = mediaUrl.ToString(),
            ["Bridge:TokenSigningKey"] = SigningKey,
        });
        seed.Services.AddCallCenterStorage(seed.Configuration).AddStreamTokens(seed.Configuration);
        var seedHost = seed.Build();
        await seedHost.Services.GetRequiredService<CallCenterTables>().CreateIfNotExistsAsync();
        await seedHost.Services.GetRequiredService<TenantStore>().SaveAsync(new Tenant { Id = "bench-tenant", Name = "Bench" });

        Process process;
        bool jitted;
        if (options.BridgeExe is { } exe)
        {
            // Run from its own folder, as the container runs /app: its appsettings.json, and no file watcher on the
            // caller's working directory. A JIT publish has its IL beside the apphost; the Native AOT binary has none.
            process = StartPinned(
                BenchOptions.Bridge, options.Core, exe, [], [.. settings, .. options.BridgeEnvironment], _ => { }, Path.GetDirectoryName(exe));
            jitted = File.Exists(Path.ChangeExtension(exe, ".dll"));
        }
        else
        {
            var runtimeConfig = Path.Combine(AppContext.BaseDirectory, "CallCenter.MediaBridge.runtimeconfig.json");
            process = StartPinned(
                BenchOptions.Bridge, options.Core, "dotnet",
                ["exec", "--runtimeconfig", runtimeConfig, typeof(Histogram).Assembly.Location, "serve-bridge"],
                [.. settings, .. options.BridgeEnvironment], _ => { });
            jitted = true;
        }

        // Health and metrics are served on the bridge's internal port only.
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{internalPort}") };
        return new BridgeUnderTest(mediaUrl, process, http, seedHost, liveEvents, twilio, jitted);
    }

    public override string StreamToken(string callSid) => _tokens.Issue("bench-tenant", callSid, CallDirection.Inbound);

    public override async Task WaitReadyAsync()
    {
        for (var i = 0; ; i++)
        {
            ThrowIfExited();
            try
            {
                if ((await _http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (i < 300)
            {
            }

            await Task.Delay(100);
        }
    }

    public override async Task<long> OpenCallsAsync() => (await MetricsAsync())!.ActiveSessions;

    public override async Task<BridgeMetricsSnapshot?> MetricsAsync() =>
        await _http.GetFromJsonAsync<BridgeMetricsSnapshot>("/metrics");

    public override async Task<string> SettledAsync()
    {
        BridgeMetricsSnapshot? after = null;
        for (var i = 0; i < 100; i++)
        {
            after = await MetricsAsync();
            if (after!.ActiveSessions == 0 && after.OpenSockets == 0 && after.BackgroundTasks == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        return $"sessions {after!.ActiveSessions}, sockets {after.OpenSockets}, tasks {after.BackgroundTasks}";
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
        _seed.Dispose();
        await _twilio.DisposeAsync();
        await _liveEvents.DisposeAsync();
    }
}
