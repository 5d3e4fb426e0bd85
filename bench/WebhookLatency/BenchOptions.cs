using System.Globalization;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>The bench's command line (see docs/benchmarks.md, "Webhook answer latency").</summary>
internal sealed record BenchOptions
{
    /// <summary>Calls started per second; each call sends <see cref="WebhooksPerCall"/> webhooks.</summary>
    public double CallsPerSecond { get; init; } = 10;

    public int Seconds { get; init; } = 30;
    public int Warmup { get; init; } = 30;
    public int DrainLimit { get; init; } = 60;

    /// <summary>From in-progress to completed: how long each simulated call is up.</summary>
    public double CallSeconds { get; init; } = 3;

    /// <summary>The tenant records its number and each call ends with a recording callback (6 webhooks per call).</summary>
    public bool Recording { get; init; }

    public int HostCore { get; init; }
    public int AzuriteCore { get; init; } = 1;
    public int GeneratorCore { get; init; }
    public bool AzuriteDisk { get; init; }

    /// <summary>Azurite's debug log (every request it serves): the storage request counts need it.</summary>
    public string? AzuriteLog { get; init; }

    public bool PerfMap { get; init; }

    /// <summary>
    /// The host logs each request's own duration (ASP.NET Core's "Request finished" at Information), and the bench
    /// reports the webhooks' time inside the host beside the latency the generator saw. The logging is work of its own.
    /// </summary>
    public bool ServerTimes { get; init; }

    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>The root of an older checkout with its own Release build, run interleaved with this one.</summary>
    public string? Compare { get; init; }

    public int Repeat { get; init; } = 1;

    /// <summary>Throughput mode: the call workflow driven by webhooks against the bare engine running the same shape.</summary>
    public bool Bare { get; init; }

    /// <summary>The bare orchestration's steps (see <see cref="WorkflowShape"/>); null for today's call workflow's.</summary>
    public string? Shape { get; init; }

    public int Burst { get; init; } = 300;
    public int BurstWarmup { get; init; } = 150;
    public int BurstConcurrency { get; init; } = 16;

    /// <summary>The Durable task hub of the local host (LocalHostSettings.TaskHub).</summary>
    public string TaskHub { get; init; } = "callcenter";

    /// <summary>Re-reads a saved Azurite log instead of running (checks the parser on a real log).</summary>
    public string? ParseLog { get; init; }

    /// <summary>
    /// Latency mode: per 250 ms of the window, webhooks due and answered, the worst latency, the processes' CPU and
    /// threads, Azurite's own answer time. Throughput mode: each burst's per-workflow timeline from the task hub's
    /// History table (<see cref="WorkflowTimeline"/>).
    /// </summary>
    public bool Timeline { get; init; }

    /// <summary>How often the in-memory Azurite frees deleted queue messages, in ms (null: the local default; 60000 is Azurite's own).</summary>
    public int? AzuriteQueueSweepMs { get; init; }

    public int WebhooksPerCall => Recording ? 6 : 5;

    public string ShapeOrDefault => Shape ?? (Recording ? WorkflowShape.TodayWithRecording : WorkflowShape.Today);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        List<string> environment = [];
        double? rate = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--calls-per-second" => options with { CallsPerSecond = Double() },
                "--rate" => Set(() => rate = Double()),
                "--seconds" => options with { Seconds = Int() },
                "--warmup" => options with { Warmup = Int() },
                "--drain" => options with { DrainLimit = Int() },
                "--call-seconds" => options with { CallSeconds = Double() },
                "--recording" => options with { Recording = true },
                "--host-core" => options with { HostCore = Int() },
                "--azurite-core" => options with { AzuriteCore = Int() },
                "--generator-core" => options with { GeneratorCore = Int() },
                "--azurite-disk" => options with { AzuriteDisk = true },
                "--azurite-log" => options with { AzuriteLog = Path.GetFullPath(Next()) },
                "--perf-map" => options with { PerfMap = true },
                "--server-times" => options with { ServerTimes = true },
                "--env" => Set(() => environment.Add(Next())),
                "--compare" => options with { Compare = Path.GetFullPath(Next()) },
                "--repeat" => options with { Repeat = Int() },
                "--bare" => options with { Bare = true },
                "--shape" => options with { Shape = Next() },
                "--burst" => options with { Burst = Int() },
                "--burst-warmup" => options with { BurstWarmup = Int() },
                "--burst-concurrency" => options with { BurstConcurrency = Int() },
                "--task-hub" => options with { TaskHub = Next() },
                "--parse-log" => options with { ParseLog = Next() },
                "--timeline" => options with { Timeline = true },
                "--azurite-queue-sweep" => options with { AzuriteQueueSweepMs = Int() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        // --rate is webhooks per second, as before; --calls-per-second is the same load counted in calls.
        return (rate is { } r ? options with { CallsPerSecond = r / options.WebhooksPerCall } : options) with { Environment = environment };

        BenchOptions Set(Action set)
        {
            set();
            return options;
        }
    }
}
