using CallCenter.Bench.WebhookLatency;
using CallCenter.DevServices;

// Webhook latency, CPU and storage requests per call against the local host, and the call workflow's throughput
// against the bare engine; see docs/benchmarks.md ("Webhook answer latency") for what is measured and the commands.
// Usage: WebhookLatency [--calls-per-second 10 | --rate WEBHOOKS] [--seconds 30] [--warmup 30] [--drain 60]
//        [--call-seconds 3] [--recording] [--host-core 0] [--azurite-core 1] [--generator-core 0] [--azurite-disk]
//        [--azurite-log FILE] [--compare BEFORE_ROOT] [--repeat N] [--perf-map] [--env NAME=VALUE]...
//        [--bare [--shape STEPS] [--burst 300] [--burst-warmup 150] [--burst-concurrency 16]]
//        [--timeline] [--azurite-queue-sweep MS]
//        WebhookLatency --parse-log FILE
//        WebhookLatency serve-engine CONNECTION TASKHUB STEPS   (started by the bench itself)
if (args is ["serve-engine", var connection, var taskHub, var shape])
{
    return await BareEngineHost.RunAsync(connection, taskHub, shape);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
    WorkflowShape.Parse(options.ShapeOrDefault);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 2;
}

if (options.ParseLog is { } saved)
{
    // The parser on a saved log: every request by resource and operation, and how many carried a trace.
    var requests = AzuriteLog.Read(saved);
    Console.WriteLine($"{requests.Count} requests, {requests.Count(r => r.TraceId is not null)} with a traceparent, "
        + $"{requests.Count(r => r.IsTaskHub(options.TaskHub))} to the task hub '{options.TaskHub}', from {requests.FirstOrDefault()?.Start:O} to {requests.LastOrDefault()?.Start:O}");
    foreach (var kind in requests.GroupBy(r => r.Kind).OrderByDescending(g => g.Count()))
    {
        Console.WriteLine($"  {kind.Count(),7}  {kind.Key}");
    }

    return 0;
}

// The generator pins itself; the host and Azurite are pinned as they start.
BenchRun.Pin(Environment.ProcessId, options.GeneratorCore);
Console.WriteLine($"load average {BenchRun.LoadAverage()} at start; {Environment.ProcessorCount} cores; "
    + $"host on core {options.HostCore}, Azurite on core {options.AzuriteCore}, generator (and the Twilio, OpenAI and Web PubSub stand-ins) on core {options.GeneratorCore}");
var standIns = await StandIns.StartAsync();
var bench = new BenchRun(options, standIns, Console.Out);
try
{
    var root = AzuriteServer.RepositoryRoot();
    List<(string Label, string Root)> systems = options.Compare is { } before ? [("before", before), ("after", root)] : [("after", root)];
    List<RunFigures> runs = [];
    for (var round = 1; round <= options.Repeat; round++)
    {
        foreach (var (label, systemRoot) in systems)
        {
            runs.Add(options.Bare ? await bench.ThroughputAsync(label, systemRoot, round) : await bench.LatencyAsync(label, systemRoot, round));
        }

        if (options.Bare)
        {
            runs.Add(await bench.ThroughputAsync("bare engine", null, round));
        }
    }

    Comparison.Print(runs, Console.Out);
    if (options.Bare)
    {
        var bare = Median(runs.Where(r => r.Label == "bare engine"));
        foreach (var (label, _) in systems)
        {
            var real = Median(runs.Where(r => r.Label == label));
            Console.WriteLine($"bare engine / call workflow ({label}), completions per second: {bare / real:F2}× (target ≤ 1.5×; medians of valid runs); shape {options.ShapeOrDefault}");
        }
    }
}
finally
{
    // The stand-ins may hold sockets of the killed hosts open; do not wait long for them.
    try
    {
        await standIns.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }
    catch (TimeoutException)
    {
    }
}

return 0;

static double Median(IEnumerable<RunFigures> runs) =>
    runs.Where(r => r.Valid).Select(r => r.CompletionsPerSecond).Where(double.IsFinite).ToList() is { Count: > 0 } values ? Comparison.Median(values) : double.NaN;
