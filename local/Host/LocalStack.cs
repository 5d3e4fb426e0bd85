using System.Net;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;

namespace CallCenter.Local.Host;

/// <summary>
/// Everything the product needs on one machine: Azurite, the local host (Functions routes and the Durable
/// engine), the media bridge, and loopback stand-ins for Twilio (REST and the phone network) and OpenAI
/// (HTTP and Realtime).
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    public const string AuthToken = "local-twilio-auth-token-not-a-secret";
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string SigningKey = "local-bridge-signing-key-not-a-secret-0123456789";

    private LocalStack(LocalHost host, WebApplication bridge, Uri streamUrl, FakeTwilioApi? twilio, FakeOpenAiApi? openAi, FakeRealtimeServer? realtime)
    {
        Host = host;
        Bridge = bridge;
        StreamUrl = streamUrl;
        Twilio = twilio;
        OpenAi = openAi;
        Realtime = realtime;
    }

    public LocalHost Host { get; }
    public WebApplication Bridge { get; }
    public Uri StreamUrl { get; }

    /// <summary>The Twilio stand-in; null when real Twilio credentials are configured.</summary>
    public FakeTwilioApi? Twilio { get; }

    /// <summary>The OpenAI stand-ins; null when a real OpenAI key is configured.</summary>
    public FakeOpenAiApi? OpenAi { get; }

    public FakeRealtimeServer? Realtime { get; }

    /// <summary>The Twilio Messages stand-in WhatsApp replies go to; null with real Twilio.</summary>
    public FakeTwilioMessaging? Messaging { get; private init; }

    /// <summary>Simulated calls need the Twilio stand-in: with real Twilio, calls come from real phones.</summary>
    public bool CanSimulateCalls => Twilio is not null;

    /// <summary>
    /// Starts everything. Real services replace the stand-ins when the environment names them:
    /// <c>OpenAI__ApiKey</c> for OpenAI; <c>Twilio__AccountSid</c> + <c>Twilio__AuthToken</c> for Twilio, which
    /// then also needs <c>Twilio__PublicBaseUrl</c> and <c>Bridge__StreamUrl</c> (public tunnels to the local host's
    /// port and to the bridge on <c>Local__BridgePort</c>, 7072 by default) unless <c>Twilio__ApiBaseUrl</c> names
    /// another Twilio-compatible API (a test's, which calls loopback URLs).
    /// </summary>
    public static async Task<LocalStack> StartAsync(
        int port, string? storageConnectionString = null, CancellationToken ct = default, LocalHostSettings? hostSettings = null, FakeRealtimeScript? realtimeScript = null)
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var realTwilio = !string.IsNullOrEmpty(environment["Twilio:AccountSid"]) && !string.IsNullOrEmpty(environment["Twilio:AuthToken"]);
        var realOpenAi = !string.IsNullOrEmpty(environment["OpenAI:ApiKey"]);
        // Twilio itself (no other API base named) calls public URLs only.
        if (realTwilio && string.IsNullOrEmpty(environment["Twilio:ApiBaseUrl"])
            && (string.IsNullOrEmpty(environment["Twilio:PublicBaseUrl"]) || string.IsNullOrEmpty(environment["Bridge:StreamUrl"])))
        {
            throw new InvalidOperationException(
                "With real Twilio credentials, set Twilio__PublicBaseUrl and Bridge__StreamUrl to public tunnels to this machine (see the README).");
        }

        // Whatever started before a failure or a Ctrl+C during start-up is stopped again, newest first.
        var started = new Stack<IAsyncDisposable>();
        try
        {
            return await StartAllAsync(port, storageConnectionString, hostSettings ?? new LocalHostSettings(), environment, realTwilio, realOpenAi, started, ct, realtimeScript);
        }
        catch
        {
            while (started.TryPop(out var part))
            {
                await part.DisposeAsync();
            }

            throw;
        }
    }

    private static async Task<LocalStack> StartAllAsync(
        int port, string? storageConnectionString, LocalHostSettings hostSettings, IConfiguration environment, bool realTwilio, bool realOpenAi, Stack<IAsyncDisposable> started, CancellationToken ct,
        FakeRealtimeScript? realtimeScript)
    {
        var twilio = realTwilio ? null : Started(started, await FakeTwilioApi.StartAsync(AccountSid, AuthToken));
        var openAi = realOpenAi ? null : Started(started, await FakeOpenAiApi.StartAsync());
        // The agent ends the call after the caller's second turn, as a short real conversation would.
        var realtime = realOpenAi ? null : Started(started, await FakeRealtimeServer.StartAsync(realtimeScript ?? new FakeRealtimeScript { EndCallAfterCallerTurns = 2, PaceAudio = true }));
        var publicStream = environment["Bridge:StreamUrl"] is { Length: > 0 } named ? new Uri(named) : null;
        var bridgePort = publicStream is null ? AzuriteServer.FreePort() : environment.GetValue("Local:BridgePort", 7072);
        var streamUrl = publicStream ?? new Uri($"ws://127.0.0.1:{bridgePort}/media");
        var shared = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // The gRPC worker reports each idle stream reconnect to the in-process sidecar; not news here.
            ["Logging:LogLevel:Microsoft.DurableTask"] = "Error",
            ["Bridge:StreamUrl"] = streamUrl.AbsoluteUri,
            ["Bridge:TokenSigningKey"] = SigningKey,
        };
        // The embedded default points at the stand-in's port: a real account goes to Twilio itself.
        shared["Twilio:ApiBaseUrl"] = twilio?.Root.AbsoluteUri ?? "https://api.twilio.com";
        if (twilio is not null)
        {
            shared["Twilio:AccountSid"] = AccountSid;
            shared["Twilio:AuthToken"] = AuthToken;
        }

        // WhatsApp replies through Twilio go to its Messages stand-in, beside the voice one.
        var messaging = twilio is null ? null : Started(started, await FakeTwilioMessaging.StartAsync(0, ct));
        if (messaging is not null)
        {
            shared["WhatsApp:TwilioMessagingBaseUrl"] = messaging.BaseUrl.AbsoluteUri;
        }

        if (openAi is not null)
        {
            shared["OpenAI:ApiKey"] = "local-openai-key";
            shared["OpenAI:Endpoint"] = openAi.Endpoint.AbsoluteUri;
        }
        else
        {
            // The embedded defaults point OpenAI at the stand-in's port; a real key goes to the real API.
            shared["OpenAI:Endpoint"] = "https://api.openai.com/v1";
        }

        var host = Started(started, await LocalHost.StartAsync(hostSettings with { Port = port, StorageConnectionString = storageConnectionString, Settings = shared }, ct));

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Local" });
        builder.Configuration.AddInMemoryCollection(shared);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = host.StorageConnectionString,
            ["WebPubSub:Endpoint"] = host.App.Configuration["WebPubSub:Endpoint"],
            ["WebPubSub:AccessKey"] = host.App.Configuration["WebPubSub:AccessKey"],
            ["MediaBridge:OpenAiEndpoint"] = realtime?.Endpoint.AbsoluteUri,
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.WebHost.UseMediaBridgeSockets(builder.Configuration);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, bridgePort));
        builder.Services.AddMediaBridge(builder.Configuration);
        var bridge = Started(started, builder.Build());
        bridge.UseWebSockets();
        bridge.MapMediaBridge();
        await bridge.StartAsync(ct);
        return new LocalStack(host, bridge, streamUrl, twilio, openAi, realtime) { Messaging = messaging };
    }

    private static T Started<T>(Stack<IAsyncDisposable> started, T part)
        where T : IAsyncDisposable
    {
        started.Push(part);
        return part;
    }

    public async ValueTask DisposeAsync()
    {
        // The bridge would keep live calls for its whole shutdown grace (minutes, as a deployed replica does); a
        // local run stops at once.
        using (var stopNow = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await Bridge.StopAsync(stopNow.Token);
        }

        await Bridge.DisposeAsync();
        await Host.DisposeAsync();
        foreach (var standIn in new IAsyncDisposable?[] { Realtime, OpenAi, Twilio, Messaging })
        {
            if (standIn is not null)
            {
                await standIn.DisposeAsync();
            }
        }
    }
}
