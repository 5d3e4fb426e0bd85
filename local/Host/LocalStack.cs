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

    private LocalStack(LocalHost host, WebApplication bridge, Uri streamUrl, FakeTwilioApi twilio, FakeOpenAiApi openAi, FakeRealtimeServer realtime)
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
    public FakeTwilioApi Twilio { get; }
    public FakeOpenAiApi OpenAi { get; }
    public FakeRealtimeServer Realtime { get; }

    public static async Task<LocalStack> StartAsync(int port, string? storageConnectionString = null, CancellationToken ct = default)
    {
        var twilio = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);
        var openAi = await FakeOpenAiApi.StartAsync();
        // The agent ends the call after the caller's second turn, as a short real conversation would.
        var realtime = await FakeRealtimeServer.StartAsync(new FakeRealtimeScript { EndCallAfterCallerTurns = 2, PaceAudio = true });
        var bridgePort = AzuriteServer.FreePort();
        var streamUrl = new Uri($"ws://127.0.0.1:{bridgePort}/media");
        var shared = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // The gRPC worker reports each idle stream reconnect to the in-process sidecar; not news here.
            ["Logging:LogLevel:Microsoft.DurableTask"] = "Error",
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiBaseUrl"] = twilio.Root.AbsoluteUri,
            ["OpenAI:ApiKey"] = "local-openai-key",
            ["OpenAI:Endpoint"] = openAi.Endpoint.AbsoluteUri,
            ["Bridge:StreamUrl"] = streamUrl.AbsoluteUri,
            ["Bridge:TokenSigningKey"] = SigningKey,
        };

        var host = await LocalHost.StartAsync(new LocalHostSettings { Port = port, StorageConnectionString = storageConnectionString, Settings = shared }, ct);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Local" });
        builder.Configuration.AddInMemoryCollection(shared);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = host.StorageConnectionString,
            ["WebPubSub:Endpoint"] = host.App.Configuration["WebPubSub:Endpoint"],
            ["WebPubSub:AccessKey"] = host.App.Configuration["WebPubSub:AccessKey"],
            ["MediaBridge:OpenAiEndpoint"] = realtime.Endpoint.AbsoluteUri,
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.WebHost.UseMediaBridgeSockets(builder.Configuration);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, bridgePort));
        builder.Services.AddMediaBridge(builder.Configuration);
        var bridge = builder.Build();
        bridge.UseWebSockets();
        bridge.MapMediaBridge();
        await bridge.StartAsync(ct);
        return new LocalStack(host, bridge, streamUrl, twilio, openAi, realtime);
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.StopAsync();
        await Bridge.DisposeAsync();
        await Host.DisposeAsync();
        await Realtime.DisposeAsync();
        await OpenAi.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
