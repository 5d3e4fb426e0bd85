using CallCenter.Core.Storage;
using CallCenter.Core.Telemetry;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.Web;

namespace CallCenter.Local.Host;

/// <summary>
/// The local stand-in for the Functions host: the same routes over the same endpoints and handlers, the
/// Durable Task engine on Azurite, Azurite itself when no storage is given, and the Web PubSub stand-in for
/// live events when no service is configured.
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    private const string LiveEventsKey = "local-web-pubsub-access-key-not-a-secret";
    private readonly AzuriteServer? _azurite;

    private LocalHost(WebApplication app, Uri baseUrl, string taskHub, AzuriteServer? azurite, FakeWebPubSub? liveEvents)
    {
        App = app;
        TaskHub = taskHub;
        BaseUrl = baseUrl;
        _azurite = azurite;
        LiveEvents = liveEvents;
    }

    /// <summary>The Web PubSub stand-in the dashboards connect to, unless a real service is configured.</summary>
    public FakeWebPubSub? LiveEvents { get; }

    public WebApplication App { get; }
    public Uri BaseUrl { get; }
    public string TaskHub { get; }
    public IServiceProvider Services => App.Services;
    public string StorageConnectionString => App.Configuration["Storage:ConnectionString"]!;

    public static async Task<LocalHost> StartAsync(LocalHostSettings settings, CancellationToken ct = default)
    {
        var azurite = settings.StorageConnectionString is null
            ? await AzuriteServer.StartAsync(settings.DataFolder, settings.AzuritePorts, ct)
            : null;
        FakeWebPubSub? liveEvents = null;
        try
        {
            var connection = settings.StorageConnectionString ?? azurite!.ConnectionString;
            var port = settings.Port == 0 ? AzuriteServer.FreePort() : settings.Port;
            var grpcPort = AzuriteServer.FreePort();
            var baseUrl = new Uri($"http://127.0.0.1:{port}");

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = connection,
                ["Twilio:PublicBaseUrl"] = baseUrl.AbsoluteUri,
                // Endpoints on this machine (stand-ins, tests); Azure keeps the default: https to public addresses only.
                ["Webhooks:AllowLoopback"] = "true",
            });
            builder.Configuration.AddInMemoryCollection(settings.Settings);
            // The environment has the last word, so a run can point the host at other services.
            builder.Configuration.AddEnvironmentVariables();
            if (string.IsNullOrEmpty(builder.Configuration["WebPubSub:Endpoint"]))
            {
                liveEvents = await FakeWebPubSub.StartAsync(LiveEventsKey);
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["WebPubSub:Endpoint"] = liveEvents.Root.AbsoluteUri,
                    ["WebPubSub:AccessKey"] = LiveEventsKey,
                });
            }

            builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
            builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));

            builder.Services.AddCallCenter(builder.Configuration);
            builder.AddCallCenterTelemetry("callcenter-local");
            await builder.AddLocalDurableEngineAsync(connection, settings.TaskHub, grpcPort, r => r.AddWorkflows(CallCenterWorkflows.All));
            builder.Services.AddHostedService<OpenCallSweepService>();

            var app = builder.Build();
            await app.Services.GetRequiredService<CallCenterTables>().CreateIfNotExistsAsync(ct);
            app.MapLocalDurableEngine(grpcPort);
            await Dashboard.EnsureVendorAsync(ct);
            app.UseDashboard();
            app.MapCallCenterRoutes();
            await app.StartAsync(ct);
            await app.WaitUntilReadyAsync(ct);
            return new LocalHost(app, baseUrl, settings.TaskHub, azurite, liveEvents);
        }
        catch
        {
            if (liveEvents is not null)
            {
                await liveEvents.DisposeAsync();
            }

            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (LiveEvents is not null)
        {
            await LiveEvents.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
