using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CallCenter.Bench;
using CallCenter.Bench.BridgeLoad;
using CallCenter.Core.Prompts;
using CallCenter.DevServices;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;

// Two modes:
//   serve-bridge            the media bridge, wired as media-bridge/Program.cs wires it (plus the static prompt
//                           builder), configured from the environment; the load run starts it pinned to core 0.
//   [--calls 100,500,1000] [--seconds 20] [--warmup 5] [--bridge-core 0] [--sut bridge|floor|bridge,floor] [--repeat 1]
//   [--transport SdkSocket|SdkProtocol] [--inline true|false] [--env NAME=VALUE]… [--perf-map] [--bridge-exe PATH]
//                           the load run: Azurite, the OpenAI side (LoadRealtimeServer) and the fake Twilio REST
//                           in this process, N concurrent full-duplex calls (LoadCaller) at real 20 ms pacing
//                           through each system under test in turn (the bridge, or the C floor relay of
//                           bench/FloorRelay, compiled here with gcc), --repeat rounds interleaved, figures on
//                           stdout and, with more than one run, their medians and the bridge / floor ratio.
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
if (Environment.GetEnvironmentVariable(BridgeUnderTest.InlineCompletions) != "1")
{
    var self = new ProcessStartInfo(Environment.ProcessPath!, [typeof(Histogram).Assembly.Location, .. args]) { UseShellExecute = false };
    self.Environment[BridgeUnderTest.InlineCompletions] = "1";
    using var child = Process.Start(self)!;
    await child.WaitForExitAsync();
    return child.ExitCode;
}

var options = BenchOptions.Parse(args);
var floorRelay = options.Systems.Contains(BenchOptions.Floor) ? await FloorUnderTest.BuildAsync() : null;

// Azurite serves the bridge's tenant; the floor reads no storage.
await using var azurite = options.Systems.Contains(BenchOptions.Bridge) ? await AzuriteServer.StartAsync() : null;
Console.WriteLine($"# bench: {string.Join(',', options.Calls)} calls, {options.Seconds} s measured after {options.Warmup} s warm-up, "
    + $"{string.Join(" and ", options.Systems)} on core {options.Core}, {options.Repeat} run(s) each, interleaved; "
    + $"bridge transport {options.Transport}, inline socket scheduling {options.Inline}; "
    + (options.CallsPerSecond > 0 ? $"calls placed at {options.CallsPerSecond} a second; " : "calls placed 8 at a time, at once; ")
    + (options.BridgeExe is { } exe ? $"bridge {exe}" : "bridge serve-bridge (JIT, this build)"));
if (floorRelay is not null)
{
    Console.WriteLine($"# floor relay built with gcc -O2 -Wall -lcrypto: {floorRelay}");
}

foreach (var n in options.Calls)
{
    var runs = new List<RunFigures>();
    for (var run = 1; run <= options.Repeat; run++)
    {
        foreach (var system in options.Systems)
        {
            runs.Add(await RunAsync(n, system, run));
        }
    }

    if (runs.Count > 1)
    {
        Console.WriteLine(RunComparison.Describe(n, options.Systems, runs));
    }
}

return 0;

async Task<RunFigures> RunAsync(int calls, string system, int run)
{
    Console.WriteLine($"# {calls} calls through the {system}, run {run} of {options.Repeat}; uptime: {Uptime()}");
    var figures = new LoadFigures(calls);
    using var clock = new FrameClock();
    await using var openAi = new LoadRealtimeServer(clock, figures);
    await using SystemUnderTest target = system == BenchOptions.Floor
        ? FloorUnderTest.Start(floorRelay!, openAi, options)
        : await BridgeUnderTest.StartAsync(azurite!, openAi, options, $"bench{calls}r{run}");
    await target.WaitReadyAsync();
    return await MeasureAsync(target, calls, figures, clock);
}

async Task<RunFigures> MeasureAsync(SystemUnderTest target, int calls, LoadFigures figures, FrameClock clock)
{
    var name = target.Name;
    var pid = target.Pid;
    var coldRss = ProcStat.RssBytes(pid);
    var coldParts = ProcStat.RssParts(pid);
    var jitMeter = new JitMeter(pid);

    async Task<(LoadCaller?[] Placed, int Failed)> PlaceAsync(int count, string tag)
    {
        var placed = new LoadCaller?[count];
        var failed = 0;
        var placing = Stopwatch.StartNew();
        // A few at a time: the bridge loads each call's context from storage before its first frame. With
        // --calls-per-second, call i starts no earlier than (i - 1) / rate seconds in: calls arriving over time
        // rather than all at once.
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var callSid = $"CA{tag}{calls:D4}{i:D27}";
            if (options.CallsPerSecond > 0 && TimeSpan.FromSeconds((i - 1) / options.CallsPerSecond) - placing.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, ct);
            }

            try
            {
                var call = await LoadCaller.StartAsync(target.MediaUrl, target.Signature, i, callSid, target.StreamToken(callSid), figures, ct);
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

    async Task<TimeSpan> JitQuietAsync() =>
        target.Jitted ? await jitMeter.WaitQuietAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(120), noiseSeconds: 0.001) : TimeSpan.Zero;

    // A round of calls first, kept up until the JIT is quiet, so the memory figure is what calls hold and
    // not the runtime's one-off growth (JIT-compiled code, pools, thread stacks). 50 calls: more than the
    // runtime's 30 calls before it re-compiles a method.
    var (warmCalls, _) = await PlaceAsync(Math.Min(50, calls), "W");
    await JitQuietAsync();
    await HangUpAsync(warmCalls);
    await target.SettledAsync();
    await Task.Delay(TimeSpan.FromSeconds(1));
    var warmRss = ProcStat.RssBytes(pid);
    var warmParts = ProcStat.RssParts(pid);

    var startedAt = Stopwatch.StartNew();
    var (simulated, failedCalls) = await PlaceAsync(calls, "L");
    var rampSeconds = startedAt.Elapsed.TotalSeconds;
    await Task.Delay(TimeSpan.FromSeconds(options.Warmup));

    // Steady state only: the runtime re-compiles the calls' set-up and relay code at its optimising tier
    // after they start (measured: 2–4 s of CPU spread over up to a minute; on one core the runtime delays
    // tiering). A one-off cost of a fresh process, so the window waits until the JIT is quiet.
    var jitWait = await JitQuietAsync();
    var jitCpu0 = jitMeter.Seconds();
    var metricsBefore = await target.MetricsAsync();
    var targetCpu0 = ProcStat.CpuSeconds(pid);
    var selfCpu0 = ProcStat.CpuSeconds(Environment.ProcessId);
    var window = Stopwatch.StartNew();
    figures.Measuring = true;
    long peakRss = 0;
    var peakParts = "";
    while (window.Elapsed < TimeSpan.FromSeconds(options.Seconds))
    {
        await Task.Delay(500);
        var rss = ProcStat.RssBytes(pid);
        if (rss > peakRss)
        {
            (peakRss, peakParts) = (rss, ProcStat.RssParts(pid));
        }
    }

    figures.Measuring = false;
    var elapsed = window.Elapsed.TotalSeconds;
    var targetCpu = ProcStat.CpuSeconds(pid) - targetCpu0;
    var jitCpu = jitMeter.Seconds() - jitCpu0;
    var selfCpu = ProcStat.CpuSeconds(Environment.ProcessId) - selfCpu0;
    var openCalls = await target.OpenCallsAsync();
    var metricsDuring = await target.MetricsAsync();

    await HangUpAsync(simulated);
    var left = await target.SettledAsync();
    var metricsAfter = await target.MetricsAsync();

    var generatorLoad = selfCpu / elapsed;

    // A run only counts when every call was up and both directions kept 50 frames a second; otherwise the
    // machine (or the generator) could not offer the load, and the latencies describe that, not the system.
    var inbound = figures.Inbound;
    var outbound = figures.Outbound;
    var frames = Math.Max(1, inbound.Count + outbound.Count);
    var expected = calls * 50.0 * elapsed;
    var offered = Math.Min(inbound.Count, outbound.Count) / expected;
    var valid = generatorLoad < 0.90 && openCalls == calls && offered >= 0.95;
    var micros = targetCpu * 1e6 / frames;
    var jit = target.Jitted
        ? $"JIT quiet after {jitWait.TotalSeconds:F1} s more; window {elapsed:F1} s (JIT in it {jitCpu * 1000:F0} ms of CPU)"
        : $"no JIT; window {elapsed:F1} s";

    // The bridge's own counters; the floor keeps none.
    var heap = metricsDuring is null ? "" : $"; managed heap in window {metricsDuring.ManagedHeapBytes / 1048576.0:F1} MiB, GC committed {metricsDuring.GcCommittedBytes / 1048576.0:F1} MiB";
    var allocations = metricsDuring is null || metricsBefore is null ? "" : $"""

        {name} allocations in window {(metricsDuring.AllocatedBytes - metricsBefore.AllocatedBytes) / (double)frames:F1} bytes per relayed frame, {(metricsDuring.Gen0Collections - metricsBefore.Gen0Collections) / elapsed:F2} gen0 GCs/s
        """;
    var relayed = metricsAfter is null ? "" : $", dropped by {name} {metricsAfter.FramesDropped}; relayed in {metricsAfter.FramesIn}, out {metricsAfter.FramesOut}";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
        ## {calls} calls, {name}{(valid ? "" : "  ** INVALID RUN **")}
        ramp-up {rampSeconds:F1} s ({failedCalls} calls failed to start); {jit}; open calls in window {openCalls}
        added latency caller->OpenAI  p50 {inbound.PercentileMs(0.5):F2} ms  p99 {inbound.PercentileMs(0.99):F2} ms  max {inbound.MaxMs:F2} ms  ({inbound.Count} frames)
        added latency OpenAI->caller  p50 {outbound.PercentileMs(0.5):F2} ms  p99 {outbound.PercentileMs(0.99):F2} ms  max {outbound.MaxMs:F2} ms  ({outbound.Count} frames)
        {name} CPU {targetCpu / elapsed * 100:F1} % of a core = {targetCpu / elapsed * 100 / calls:F3} % per call; {micros:F1} µs per relayed frame (a frame each way, with its mark and echo, counts as two)
        {name} RSS cold {coldRss / 1048576.0:F1} MiB, warm idle {warmRss / 1048576.0:F1} MiB, peak {peakRss / 1048576.0:F1} MiB => {(peakRss - warmRss) / 1024.0 / calls:F1} KiB per call over warm idle ({(peakRss - coldRss) / 1024.0 / calls:F1} over cold){heap}
        {name} RSS in MiB: cold {coldParts}; warm idle {warmParts}; peak {peakParts}{allocations}
        frames lost: caller->OpenAI {figures.CallerGaps}, OpenAI->caller {figures.AgentGaps}{relayed}
        load generator CPU {generatorLoad * 100:F1} % of its core{(generatorLoad >= 0.90 ? $" (saturated: figures measure the generator, not the {name})" : "")}; offered {offered * 100:F0} % of 50 frames/s per call each way
        after the run: {left}; uptime: {Uptime()}
        """));
    return new RunFigures(name, valid, micros, inbound.PercentileMs(0.99), outbound.PercentileMs(0.99), figures.CallerGaps, figures.AgentGaps);
}

static string Uptime() => File.ReadAllText("/proc/loadavg").Trim();
