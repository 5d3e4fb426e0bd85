using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CallCenter.Bench.BridgeLoad;
using CallCenter.Core.Calls;
using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;

const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

// Two modes:
//   serve-bridge            the media bridge, wired as media-bridge/Program.cs wires it (plus the static prompt
//                           builder), configured from the environment; the load run starts it pinned to core 0.
//   [--calls 100,500,1000] [--seconds 20] [--warmup 5] [--bridge-core 0] [--transport SdkSocket|SdkProtocol] [--inline true|false] [--env NAME=VALUE]… [--perf-map]
//                           the load run: Azurite, the OpenAI side (LoadRealtimeServer) and the fake Twilio REST
//                           in this process, N concurrent full-duplex calls (LoadCaller) at real 20 ms pacing,
//                           figures on stdout.
if (args.Length > 0 && args[0] == "serve-bridge")
{
    // Content root = the bench's output folder, as the container's /app: not the caller's working directory,
    // whose whole tree the configuration file watcher would otherwise watch.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args[1..], ContentRootPath = AppContext.BaseDirectory });
    builder.Services.AddSingleton<IPromptBuilder, StaticPromptBuilder>();
    builder.AddMediaBridgeHost();
    var bridge = builder.Build();
    bridge.UseMediaBridge();
    await bridge.RunAsync();
    return 0;
}

// The generator's remaining async socket work (accepts, the metrics client) completes on the socket engine's
// thread, not as thread-pool work items. Still measured with the load's receives on EpollLoop: without it the
// 100-call p99 was 3.3–6.2 ms, with it 0.8–1.4 ms (cause not isolated). The runtime reads this setting only
// from the environment, so the load run restarts itself with it once.
if (Environment.GetEnvironmentVariable(InlineCompletions) != "1")
{
    var self = new ProcessStartInfo(Environment.ProcessPath!, [typeof(Histogram).Assembly.Location, .. args]) { UseShellExecute = false };
    self.Environment[InlineCompletions] = "1";
    using var child = Process.Start(self)!;
    await child.WaitForExitAsync();
    return child.ExitCode;
}

var callCounts = Arg("--calls", "100,500,1000").Split(',').Select(int.Parse).ToArray();
var seconds = int.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Arg("--warmup", "5"), CultureInfo.InvariantCulture);
var bridgeCore = Arg("--bridge-core", "0");
var transport = Arg("--transport", "SdkSocket");
var inline = Arg("--inline", "false");

await using var azurite = await AzuriteServer.StartAsync();
Console.WriteLine($"# bench: {string.Join(',', callCounts)} calls, {seconds} s measured after {warmup} s warm-up, bridge on core {bridgeCore}, transport {transport}, inline socket scheduling {inline}");
foreach (var n in callCounts)
{
    await RunAsync(n);
}

return 0;

async Task RunAsync(int calls)
{
    const string AuthToken = "bench-twilio-auth-token-0123456789";
    const string AccountSid = "AC00000000000000000000000000000000";
    const string SigningKey = "bench-signing-key-0123456789abcdef0123";
    Console.WriteLine($"# {calls} calls; uptime: {Uptime()}");

    var figures = new LoadFigures(calls);
    using var clock = new FrameClock();
    await using var openAi = new LoadRealtimeServer(clock, figures);
    await using var liveEvents = await FakeWebPubSub.StartAsync("bench-web-pubsub-key");
    await using var twilio = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);

    var port = FreePort();
    var internalPort = FreePort();
    var mediaUrl = new Uri($"ws://127.0.0.1:{port}/media");
    var prefix = "bench" + calls;
    var settings = new Dictionary<string, string>
    {
        ["Storage__ConnectionString"] = azurite.ConnectionString,
        ["Storage__TablePrefix"] = prefix,
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
        ["MediaBridge__RealtimeTransport"] = transport,
        ["MediaBridge__InlineSocketScheduling"] = inline,
        ["Logging__LogLevel__Default"] = "Warning",
        ["MediaBridge__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["MediaBridge__InternalPort"] = internalPort.ToString(CultureInfo.InvariantCulture),

        // The container's environment (media-bridge/Dockerfile, infra/modules/media-bridge.bicep); the rest of
        // the runtime settings come from the bridge's own runtimeconfig, which the bridge process is started with.
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        [InlineCompletions] = "1",

        // For `perf` profiles of the bridge: JIT-compiled methods get names in /tmp/perf-<pid>.map.
        ["DOTNET_PerfMapEnabled"] = args.Contains("--perf-map") ? "1" : "0",
    };

    // Seed the tenant with the same storage settings the bridge reads.
    var seed = Host.CreateApplicationBuilder();
    seed.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = azurite.ConnectionString,
        ["Storage:TablePrefix"] = prefix,
        ["Bridge:StreamUrl"] = mediaUrl.ToString(),
        ["Bridge:TokenSigningKey"] = SigningKey,
    });
    seed.Services.AddCallCenterStorage(seed.Configuration).AddStreamTokens(seed.Configuration);
    using var seedHost = seed.Build();
    var services = seedHost.Services;
    await services.GetRequiredService<CallCenterTables>().CreateIfNotExistsAsync();
    await services.GetRequiredService<TenantStore>().SaveAsync(new Tenant { Id = "bench-tenant", Name = "Bench" });
    var tokens = services.GetRequiredService<StreamTokens>();

    var dll = typeof(Histogram).Assembly.Location;
    var runtimeConfig = Path.Combine(AppContext.BaseDirectory, "CallCenter.MediaBridge.runtimeconfig.json");
    var start = new ProcessStartInfo("taskset", ["-c", bridgeCore, "dotnet", "exec", "--runtimeconfig", runtimeConfig, dll, "serve-bridge"])
    {
        UseShellExecute = false,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    foreach (var (k, v) in settings)
    {
        start.Environment[k] = v;
    }

    // Runtime settings under test: --env NAME=VALUE, repeatable.
    for (var a = 0; a < args.Length - 1; a++)
    {
        if (args[a] == "--env" && args[a + 1].Split('=', 2) is [var name, var value])
        {
            start.Environment[name] = value;
        }
    }

    using var bridge = Process.Start(start)!;
    try
    {
        await MeasureAsync(bridge);
    }
    finally
    {
        if (!bridge.HasExited)
        {
            bridge.Kill();
            await bridge.WaitForExitAsync();
        }
    }

    async Task MeasureAsync(Process bridge)
    {
        bridge.OutputDataReceived += (_, _) => { };
        bridge.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) { Console.Error.WriteLine("bridge: " + e.Data); } };
        bridge.BeginOutputReadLine();
        bridge.BeginErrorReadLine();
        // Health and metrics are served on the bridge's internal port only.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{internalPort}") };
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (i < 300)
            {
            }

            await Task.Delay(100);
        }

        // The bridge process is `taskset … dotnet`; taskset execs, so the pid is the runtime's.
        var pid = bridge.Id;
        var coldRss = ProcStat.RssBytes(pid);
        var jitMeter = new JitMeter(pid);
        var signature = TwilioRequestSigner.Sign(AuthToken, mediaUrl.ToString(), []);

        async Task<(LoadCaller?[] Placed, int Failed)> PlaceAsync(int count, string tag)
        {
            var placed = new LoadCaller?[count];
            var failed = 0;
            // A few at a time: the bridge loads each call's context from storage before its first frame.
            await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var callSid = $"CA{tag}{calls:D4}{i:D27}";
                try
                {
                    var token = tokens.Issue("bench-tenant", callSid, CallDirection.Inbound);
                    var call = await LoadCaller.StartAsync(mediaUrl, signature, i, callSid, token, figures, ct);
                    placed[i - 1] = call;
                    clock.Add(call, i);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }
            });
            return (placed, failed);
        }

        async Task HangUpAsync(LoadCaller?[] placed)
        {
            foreach (var call in placed.OfType<LoadCaller>())
            {
                clock.Remove(call);
            }

            await Task.WhenAll(placed.OfType<LoadCaller>().Select(c => c.HangUpAsync(TimeSpan.FromSeconds(30))));
        }

        async Task<TimeSpan> JitQuietAsync()
        {
            var quiet = Stopwatch.StartNew();
            var waited = Stopwatch.StartNew();
            for (var jit = jitMeter.Seconds(); quiet.Elapsed < TimeSpan.FromSeconds(5) && waited.Elapsed < TimeSpan.FromSeconds(120);)
            {
                await Task.Delay(250);
                var now = jitMeter.Seconds();
                if (now - jit > 0.001)
                {
                    quiet.Restart();
                }

                jit = now;
            }

            return waited.Elapsed;
        }

        async Task<BridgeMetricsSnapshot> SettledAsync()
        {
            BridgeMetricsSnapshot? after = null;
            for (var i = 0; i < 100; i++)
            {
                after = await http.GetFromJsonAsync<BridgeMetricsSnapshot>("/metrics");
                if (after!.ActiveSessions == 0 && after.OpenSockets == 0 && after.BackgroundTasks == 0)
                {
                    break;
                }

                await Task.Delay(100);
            }

            return after!;
        }

        // A round of calls first, kept up until the JIT is quiet, so the memory figure is what calls hold and
        // not the runtime's one-off growth (JIT-compiled code, pools, thread stacks). 50 calls: more than the
        // runtime's 30 calls before it re-compiles a method.
        var (warmCalls, _) = await PlaceAsync(Math.Min(50, calls), "W");
        await JitQuietAsync();
        await HangUpAsync(warmCalls);
        await SettledAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var warmRss = ProcStat.RssBytes(pid);

        var startedAt = Stopwatch.StartNew();
        var (simulated, failedCalls) = await PlaceAsync(calls, "L");
        var rampSeconds = startedAt.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(warmup));

        // Steady state only: the runtime re-compiles the calls' set-up and relay code at its optimising tier
        // after they start (measured: 2–4 s of CPU spread over up to a minute; on one core the runtime delays
        // tiering). A one-off cost of a fresh process, so the window waits until the JIT is quiet.
        var jitWait = await JitQuietAsync();
        var jitCpu0 = jitMeter.Seconds();
        var metricsBefore = await http.GetFromJsonAsync<BridgeMetricsSnapshot>("/metrics");
        var bridgeCpu0 = ProcStat.CpuSeconds(pid);
        var selfCpu0 = ProcStat.CpuSeconds(Environment.ProcessId);
        var window = Stopwatch.StartNew();
        figures.Measuring = true;
        long peakRss = 0;
        while (window.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(500);
            peakRss = Math.Max(peakRss, ProcStat.RssBytes(pid));
        }

        figures.Measuring = false;
        var elapsed = window.Elapsed.TotalSeconds;
        var bridgeCpu = ProcStat.CpuSeconds(pid) - bridgeCpu0;
        var jitCpu = jitMeter.Seconds() - jitCpu0;
        var selfCpu = ProcStat.CpuSeconds(Environment.ProcessId) - selfCpu0;
        var metricsDuring = await http.GetFromJsonAsync<BridgeMetricsSnapshot>("/metrics");

        await HangUpAsync(simulated);
        var after = await SettledAsync();

        var generatorLoad = selfCpu / elapsed;

        // A run only counts when every call was up and both directions kept 50 frames a second; otherwise the
        // machine (or the generator) could not offer the load, and the latencies describe that, not the bridge.
        var inbound = figures.Inbound;
        var outbound = figures.Outbound;
        var expected = calls * 50.0 * elapsed;
        var offered = Math.Min(inbound.Count, outbound.Count) / expected;
        var valid = generatorLoad < 0.90 && metricsDuring!.ActiveSessions == calls && offered >= 0.95;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            ## {calls} calls{(valid ? "" : "  ** INVALID RUN **")}
            ramp-up {rampSeconds:F1} s ({failedCalls} calls failed to start); JIT quiet after {jitWait.TotalSeconds:F1} s more; window {elapsed:F1} s (JIT in it {jitCpu * 1000:F0} ms of CPU); active sessions in window {metricsDuring!.ActiveSessions}
            added latency caller->OpenAI  p50 {inbound.PercentileMs(0.5):F2} ms  p99 {inbound.PercentileMs(0.99):F2} ms  max {inbound.MaxMs:F2} ms  ({inbound.Count} frames)
            added latency OpenAI->caller  p50 {outbound.PercentileMs(0.5):F2} ms  p99 {outbound.PercentileMs(0.99):F2} ms  max {outbound.MaxMs:F2} ms  ({outbound.Count} frames)
            bridge CPU {bridgeCpu / elapsed * 100:F1} % of a core = {bridgeCpu / elapsed * 100 / calls:F3} % per call; {bridgeCpu * 1e6 / Math.Max(1, inbound.Count + outbound.Count):F1} µs per relayed frame (a frame each way, with its mark and echo, counts as two)
            bridge RSS cold {coldRss / 1048576.0:F1} MiB, warm idle {warmRss / 1048576.0:F1} MiB, peak {peakRss / 1048576.0:F1} MiB => {(peakRss - warmRss) / 1024.0 / calls:F1} KiB per call over warm idle ({(peakRss - coldRss) / 1024.0 / calls:F1} over cold); managed heap in window {metricsDuring.ManagedHeapBytes / 1048576.0:F1} MiB
            bridge allocations in window {(metricsDuring.AllocatedBytes - metricsBefore!.AllocatedBytes) / (double)Math.Max(1, inbound.Count + outbound.Count):F1} bytes per relayed frame, {(metricsDuring.Gen0Collections - metricsBefore.Gen0Collections) / elapsed:F2} gen0 GCs/s
            frames lost: caller->OpenAI {figures.CallerGaps}, OpenAI->caller {figures.AgentGaps}, dropped by bridge {after.FramesDropped}; relayed in {after.FramesIn}, out {after.FramesOut}
            load generator CPU {generatorLoad * 100:F1} % of its core{(generatorLoad >= 0.90 ? " (saturated: figures measure the generator, not the bridge)" : "")}; offered {offered * 100:F0} % of 50 frames/s per call each way
            after the run: sessions {after.ActiveSessions}, sockets {after.OpenSockets}, tasks {after.BackgroundTasks}; uptime: {Uptime()}
            """));
    }
}

static string Uptime() => File.ReadAllText("/proc/loadavg").Trim();

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
