using CallCenter.Core.Storage;
using CallCenter.Fakes;
using CallCenter.Local.Host;
using CallCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCenter.Functions.Tests;

[CollectionDefinition(Name)]
public sealed class FunctionsCollection : ICollectionFixture<FunctionsFixture>
{
    public const string Name = "Functions";
}

/// <summary>
/// The Functions app under test: its worker host built by <see cref="FunctionsApp"/>, its Durable functions run
/// by the Durable Task engine on Azurite, its HTTP triggers invoked as the worker invokes them; and beside it
/// the local host on the same fakes, for the differential tests. Each test uses tenants of its own.
/// </summary>
public sealed class FunctionsFixture : IAsyncLifetime
{
    public const string AccountSid = TwilioCall.AccountSid;
    public const string AuthToken = TwilioCall.AuthToken;
    public const string MetaAppSecret = MetaWhatsApp.AppSecret;

    private readonly AzuriteFixture _azurite = new();
    private WebApplication? _engine;

    public IHost Worker { get; private set; } = null!;

    /// <summary>The worker's configuration; another worker built from it shares the app's storage, like a second instance.</summary>
    public IDictionary<string, string?> WorkerSettings { get; private set; } = null!;
    public LocalHost Local { get; private set; } = null!;
    public HttpClient LocalHttp { get; private set; } = null!;
    public HttpTriggers Http { get; private set; } = null!;
    /// <summary>The task hub of the engine that runs the app's Durable functions.</summary>
    public string TaskHub { get; } = "fn" + Unique();

    public DurableTaskClient Durable => _engine!.Services.GetRequiredService<DurableTaskClient>();
    public FakeTwilioApi Twilio { get; private set; } = null!;
    public FakeOpenAiApi OpenAi { get; private set; } = null!;
    public FakeMetaGraph Meta { get; private set; } = null!;
    public FakeTwilioMessaging Messaging { get; private set; } = null!;
    public CapturedLog Log { get; } = new();
    public string StorageConnectionString => _azurite.ConnectionString;

    public T Get<T>() where T : notnull => Worker.Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Twilio = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);
        OpenAi = await FakeOpenAiApi.StartAsync();
        Meta = await FakeMetaGraph.StartAsync();
        Messaging = await FakeTwilioMessaging.StartAsync();

        Local = await LocalHost.StartAsync(new LocalHostSettings
        {
            Port = 0,
            StorageConnectionString = _azurite.ConnectionString,
            TaskHub = "local" + Unique(),
            // The local host picks its own URL and live-events stand-in; the Functions worker is then pointed at both.
            Settings = Settings().Where(p => p.Value is not null).ToDictionary(),
        });
        LocalHttp = new HttpClient { BaseAddress = Local.BaseUrl };

        WorkerSettings = Settings();
        Worker = BuildWorker(WorkerSettings);
        await Get<CallCenterTables>().CreateIfNotExistsAsync();
        _engine = await StartEngineAsync(Worker.Services);
        Http = new HttpTriggers(Worker.Services, Durable);
    }

    /// <summary>
    /// The worker's host as <c>functions/Program.cs</c> builds it, on this run's storage and fakes, logging through
    /// host.json's levels as the Functions host applies them.
    /// </summary>
    public IHost BuildWorker(IDictionary<string, string?> settings)
    {
        var builder = FunctionsApp.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(HostJson.GetSection("logging"));
        builder.Logging.AddProvider(Log);
        return builder.Build();
    }

    public static IConfiguration HostJson { get; } = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "host.json"), optional: false)
        .Build();

    /// <summary>Configuration both hosts share: the fakes, the admin key and short workflow timings.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Storage:ConnectionString"] = _azurite.ConnectionString,
        ["Storage:TablePrefix"] = "f" + Unique(),
        ["Storage:RecordingsContainer"] = "rec-" + Unique(),
        ["Auth:AdminKey"] = TestKeys.AdminKey,
        ["Twilio:AccountSid"] = AccountSid,
        ["Twilio:AuthToken"] = AuthToken,
        ["Twilio:ApiBaseUrl"] = Twilio.Root.AbsoluteUri,
        // Both hosts check signatures against the local host's URL, so one signed request suits both.
        ["Twilio:PublicBaseUrl"] = Local?.BaseUrl.AbsoluteUri,
        ["OpenAI:Endpoint"] = OpenAi.Endpoint.AbsoluteUri,
        ["OpenAI:ApiKey"] = "test",
        ["Bridge:StreamUrl"] = "wss://bridge.test/media",
        ["Bridge:TokenSigningKey"] = "test-bridge-signing-key-0123456789abcdef",
        ["WebPubSub:Endpoint"] = Local?.App.Configuration["WebPubSub:Endpoint"],
        ["WebPubSub:AccessKey"] = Local?.App.Configuration["WebPubSub:AccessKey"],
        ["WhatsApp:MetaAppSecret"] = MetaAppSecret,
        ["WhatsApp:MetaAccessToken"] = "test-meta-token",
        ["WhatsApp:MetaGraphBaseUrl"] = Meta.BaseUrl.AbsoluteUri,
        ["WhatsApp:TwilioMessagingBaseUrl"] = Messaging.BaseUrl.AbsoluteUri,
        ["CallWorkflow:Timings:CallEndTimeout"] = "00:02:00",
        ["CallWorkflow:Timings:RecordingTimeout"] = "00:00:03",
        ["CallWorkflow:Timings:FirstRetryInterval"] = "00:00:01",
        ["CallWorkflow:Timings:MaxRetryInterval"] = "00:00:02",
        ["CallWorkflow:Timings:MaxAttempts"] = "2",
        ["Webhooks:AllowLoopback"] = "true",
        ["Webhooks:Timings:FirstRetryInterval"] = "00:00:01",
        ["Webhooks:Timings:MaxRetryInterval"] = "00:00:01",
        ["Webhooks:Timings:GiveUpAfter"] = "00:00:02",
        // A recorded call ended without its recording starts at the local host's next sweep after the 3 s wait.
        ["CallWorkflow:SweepPeriod"] = "00:00:02",
    };

    /// <summary>The Durable Task engine on Azurite, its worker running the app's own Durable functions.</summary>
    private async Task<WebApplication> StartEngineAsync(IServiceProvider app)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(HostJson.GetSection("logging"));
        builder.Logging.AddProvider(Log);
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var grpcPort = CallCenter.DevServices.AzuriteServer.FreePort();
        await builder.AddLocalDurableEngineAsync(_azurite.ConnectionString, TaskHub, grpcPort, r => r.AddFunctionsApp(app, () => Durable));
        var engine = builder.Build();
        engine.MapLocalDurableEngine(grpcPort);
        await engine.StartAsync();
        await engine.WaitUntilReadyAsync(CancellationToken.None);
        return engine;
    }

    public async Task DisposeAsync()
    {
        LocalHttp?.Dispose();
        if (_engine is not null)
        {
            await _engine.StopAsync();
            await _engine.DisposeAsync();
        }

        Worker?.Dispose();
        if (Local is not null)
        {
            await Local.DisposeAsync();
        }

        foreach (var fake in new LoopbackServer?[] { Twilio, OpenAi, Meta, Messaging })
        {
            if (fake is not null)
            {
                await fake.DisposeAsync();
            }
        }

        await _azurite.DisposeAsync();
    }

    public static string Unique() => Guid.NewGuid().ToString("N")[..10];

    public IOptions<T> Options<T>() where T : class => Get<IOptions<T>>();
}
