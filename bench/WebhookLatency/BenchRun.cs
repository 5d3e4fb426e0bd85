using System.Diagnostics;
using System.Globalization;
using CallCenter.DevServices;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>One run of one system: a fresh Azurite and a fresh process each time, so runs of different builds interleave fairly.</summary>
internal sealed class BenchRun(BenchOptions options, StandIns standIns, TextWriter output)
{
    /// <summary>
    /// Webhook latency, CPU and storage requests per call at a fixed rate: warm-up calls, a drain until their
    /// workflows are done and the processes are back near idle, 5 s of idle (the engine's background), the
    /// measured calls, and a drain again. Per-call figures are over the measured window and its drain, so they
    /// hold all the work of the measured calls and none of the warm-up's.
    /// </summary>
    public async Task<RunFigures> LatencyAsync(string label, string root, int round)
    {
        var log = LogPath(label, round);
        await using var azurite = await StartAzuriteAsync(log);
        await using var system = await SystemUnderTest.StartHostAsync(label, root, options, azurite, standIns);
        var probe = new TaskHubProbe(azurite.ConnectionString, options.TaskHub);
        var sender = new WebhookSender(system.Http!, SystemUnderTest.Number, StandIns.AuthToken, standIns.Twilio, options.CallSeconds, options.Recording);
        var cps = options.CallsPerSecond;
        output.WriteLine();
        output.WriteLine($"--- {label}, run {round}: {cps:0.##} calls/s ({cps * options.WebhooksPerCall:0.#} webhooks/s: {string.Join(", ", sender.Timeline.Select(t => $"{WebhookRecord.Name(t.Kind)} +{t.At:0.0#} s"))}), "
            + $"warm-up {options.Warmup} s, measured {options.Seconds} s; host pid {system.ProcessId} on core {options.HostCore} ({root}), Azurite pid {azurite.ProcessId} on core {options.AzuriteCore}, "
            + $"generator on core {options.GeneratorCore}{(log is null ? "" : $", Azurite log {log}")}");

        var idle = await IdleAsync(system, azurite);
        output.WriteLine($"idle after start: host {idle.Host / idle.Wall * 100:F1}%, Azurite {idle.Azurite / idle.Wall * 100:F1}% of a core");
        if (options.Warmup > 0)
        {
            var warmTag = CallSids.NewTag();
            var warmCalls = (int)Math.Round(options.Warmup * cps);
            await sender.OpenLoopAsync(warmTag, warmCalls, cps);
            var (warmDrain, warmDone) = await DrainAsync(system, azurite, probe, warmTag, warmCalls, idle);
            output.WriteLine($"warm-up: {warmCalls} calls, drained in {warmDrain.Wall:F1} s, {warmDone.Completed} of {warmCalls} workflows completed");
        }

        await SettleJitAsync(system.ProcessId);

        // Marker requests name points in Azurite's log (its order is true, its times lag under load).
        var marks = log is null ? null : probe;
        await (marks?.MarkAsync("idle-start") ?? Task.CompletedTask);
        var settled = await IdleAsync(system, azurite);
        await (marks?.MarkAsync("idle-end") ?? Task.CompletedTask);
        var measured = marks is null ? sender
            : new WebhookSender(system.Http!, SystemUnderTest.Number, StandIns.AuthToken, standIns.Twilio, options.CallSeconds, options.Recording, t => marks.MarkAsync("answered-" + t));

        var tag = CallSids.NewTag();
        var calls = (int)Math.Round(options.Seconds * cps);
        await (marks?.MarkAsync("window-start") ?? Task.CompletedTask);
        var before = Sample.Take(system.ProcessId, azurite.ProcessId);
        var timeline = Timeline.Start(system.ProcessId, azurite.ProcessId, options.Timeline ? azurite.ConnectionString : null);
        var jit = new JitMeter(system.ProcessId);
        var jitBefore = jit.Seconds();
        var records = await measured.OpenLoopAsync(tag, calls, cps);
        await timeline.DisposeAsync();
        var window = Sample.Take(system.ProcessId, azurite.ProcessId) - before;
        PrintJit(jit.Seconds() - jitBefore, window);
        var load = LoadAverage();
        var (drain, done) = await DrainAsync(system, azurite, probe, tag, calls, settled);
        var end = DateTime.UtcNow;
        await (marks?.MarkAsync("window-end") ?? Task.CompletedTask);
        var queues = await probe.QueuesAsync();

        var failures = records.Count(r => !r.Ok);
        output.WriteLine($"webhooks {records.Count} of {calls} calls in {window.Wall:F1} s ({records.Count / window.Wall:F1}/s served of {cps * options.WebhooksPerCall:0.#}/s offered), failures {failures}");
        var voice = Latencies(records.Where(r => r.Kind == WebhookKind.Voice));
        var status = Latencies(records.Where(r => r.Kind is WebhookKind.Initiated or WebhookKind.Ringing or WebhookKind.InProgress or WebhookKind.Completed));
        output.WriteLine($"latency ms (from the due time)     p50      p99      max");
        PrintLatency("voice webhook", voice);
        PrintLatency("status callbacks (all four)", status);
        foreach (var kind in sender.Timeline.Select(t => t.Kind).Where(k => k != WebhookKind.Voice))
        {
            PrintLatency("  " + WebhookRecord.Name(kind), Latencies(records.Where(r => r.Kind == kind)));
        }

        PrintLatency("all webhooks", Latencies(records));
        if (options.ServerTimes)
        {
            // Inside the host, from the request read to the answer written: what the generator's figure adds is its own
            // scheduling and the loopback, on the host's core.
            output.WriteLine("the host's own time ms (ASP.NET Core's request duration, the measured calls' window)");
            PrintLatency("voice webhook", system.Served("/api/twilio/voice", before.At, end));
            PrintLatency("status callbacks", system.Served("/api/twilio/status", before.At, end));
        }

        timeline.Print(records, output, options.Timeline);

        var whole = window + drain;
        output.WriteLine($"host CPU:    {window.Host / window.Wall * 100:F0}% of a core in the window; {window.Host / calls * 1000:F2} ms per call in the window, {whole.Host / calls * 1000:F2} with the drain");
        output.WriteLine($"Azurite CPU: {window.Azurite / window.Wall * 100:F0}% of a core in the window; {window.Azurite / calls * 1000:F2} ms per call in the window, {whole.Azurite / calls * 1000:F2} with the drain");
        output.WriteLine($"idle before the window: host {settled.Host / settled.Wall * 100:F1}%, Azurite {settled.Azurite / settled.Wall * 100:F1}% of a core "
            + $"(over window + drain that is {settled.Host / settled.Wall * whole.Wall / calls * 1000:F2} + {settled.Azurite / settled.Wall * whole.Wall / calls * 1000:F2} ms per call)");
        output.WriteLine($"drain: {drain.Wall:F1} s (limit {options.DrainLimit} s); call workflows completed {done.Completed} of {calls}");
        var taskHubQueues = queues.Where(q => q.Name.StartsWith(options.TaskHub, StringComparison.OrdinalIgnoreCase)).ToList();
        var invisible = taskHubQueues.Sum(q => q.Invisible);
        output.WriteLine($"task hub queues after the drain: {taskHubQueues.Sum(q => q.Messages)} messages, {invisible} invisible (durable timers not yet due, or held by a reader)"
            + (taskHubQueues.Any(q => q.Messages > 0) ? ": " + string.Join(", ", taskHubQueues.Where(q => q.Messages > 0).Select(q => $"{q.Name} {q.Messages} ({q.Invisible} invisible)")) : ""));

        StorageReport? storage = null;
        if (log is not null)
        {
            // Azurite writes its log behind its work (far behind when it is busy): wait for the last marker.
            await WaitForLogAsync(log, StorageRequest.MarkerPrefix + "window-end");
            var requests = AzuriteLog.Read(log);
            var idlePerSecond = StorageReport.Between(requests, "idle-start", "idle-end") / settled.Wall;
            storage = StorageReport.Build(requests, "window-start", "window-end", records, (end - before.At).TotalSeconds, options.TaskHub, idlePerSecond);
            storage.Print(output);
            timeline.PrintSweeps(log, end, output);
        }

        var valid = Validity(window, load);
        return new RunFigures(label, valid)
        {
            HostMsPerCall = whole.Host / calls * 1000,
            AzuriteMsPerCall = whole.Azurite / calls * 1000,
            VoiceP99 = Percentile(voice, 0.99),
            StatusP99 = Percentile(status, 0.99),
            RequestsPerCall = storage?.PerCall ?? double.NaN,
            VoiceRequestsPerCall = storage?.VoicePerCall ?? double.NaN,
            VoiceTaskHubPerCall = storage?.VoiceTaskHubPerCall ?? double.NaN,
            Completed = done.Completed,
            Calls = calls,
            InvisibleLeft = invisible,
        };
    }

    /// <summary>
    /// Workflow throughput: a burst of calls as fast as the system takes them (<see cref="BenchOptions.BurstConcurrency"/>
    /// calls at a time), then completions per second from the burst's start to the last completion (from the task
    /// hub's instance table). The real system is the local host driven by each call's webhooks: the calls are set up
    /// (answered, initiated, ringing, in progress) before the window, and the burst is their ends and recordings, which start
    /// and feed the workflows; the bare engine starts its orchestrations and raises their events itself. Both
    /// windows hold the workflows' starts, not the calls' set-up, which no workflow takes part in.
    /// </summary>
    public async Task<RunFigures> ThroughputAsync(string label, string? root, int round)
    {
        var log = LogPath(label, round);
        await using var azurite = await StartAzuriteAsync(log);
        await using var system = root is null
            ? await SystemUnderTest.StartBareAsync(options, azurite)
            : await SystemUnderTest.StartHostAsync(label, root, options, azurite, standIns);
        var probe = new TaskHubProbe(azurite.ConnectionString, options.TaskHub);
        var sender = system.Http is null ? null : new WebhookSender(system.Http, SystemUnderTest.Number, StandIns.AuthToken, standIns.Twilio, 0, options.Recording);
        output.WriteLine();
        output.WriteLine($"--- {label}, run {round}: burst of {options.Burst} calls, {options.BurstConcurrency} at a time"
            + (root is null ? $", shape {options.ShapeOrDefault}" : $", the calls set up first, then their ends and recordings ({root})")
            + $"; pid {system.ProcessId} on core {options.HostCore}, Azurite pid {azurite.ProcessId} on core {options.AzuriteCore}");

        async Task SendAsync(uint tag, int calls, Func<WebhookKind, bool> include)
        {
            var failed = (await sender!.BurstAsync(tag, calls, options.BurstConcurrency, include)).Count(r => !r.Ok);
            if (failed > 0)
            {
                output.WriteLine($"  {failed} webhooks failed");
            }
        }

        async Task SetUpAsync(uint tag, int calls)
        {
            if (sender is not null)
            {
                var clock = Stopwatch.StartNew();
                await SendAsync(tag, calls, WebhookSender.IsSetUp);
                output.WriteLine($"set-up of {calls} calls (answer, initiated, ringing, in progress) before the window: {clock.Elapsed.TotalSeconds:F1} s");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        async Task DriveAsync(uint tag, int calls)
        {
            if (sender is null)
            {
                await system.DriveBareAsync(tag, calls, options.BurstConcurrency);
            }
            else
            {
                await SendAsync(tag, calls, kind => !WebhookSender.IsSetUp(kind));
            }
        }

        // Two warm-up bursts, each followed by a pause for the host's JIT: on its one busy core the tiering thread
        // falls behind during a burst, and code reaches the optimized tier only once it has caught up and run again.
        for (var warmRound = 1; warmRound <= 2; warmRound++)
        {
            var warmTag = CallSids.NewTag();
            await SetUpAsync(warmTag, options.BurstWarmup);
            await DriveAsync(warmTag, options.BurstWarmup);
            var warm = await CompletionAsync(probe, warmTag, options.BurstWarmup, DateTime.UtcNow.AddSeconds(options.DrainLimit));
            output.WriteLine($"warm-up {warmRound}: {warm.Completed} of {options.BurstWarmup} completed");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await SettleJitAsync(system.ProcessId);
        }

        var tag = CallSids.NewTag();
        await SetUpAsync(tag, options.Burst);
        var before = Sample.Take(system.ProcessId, azurite.ProcessId);
        var jit = new JitMeter(system.ProcessId);
        var jitBefore = jit.Seconds();
        await DriveAsync(tag, options.Burst);
        var drivenIn = (DateTime.UtcNow - before.At).TotalSeconds;
        var done = await CompletionAsync(probe, tag, options.Burst, DateTime.UtcNow.AddSeconds(options.DrainLimit));
        var span = Sample.Take(system.ProcessId, azurite.ProcessId) - before;
        PrintJit(jit.Seconds() - jitBefore, span);
        var load = LoadAverage();
        var seconds = done.LastCompleted is { } last ? (last.UtcDateTime - before.At).TotalSeconds : double.NaN;
        var perSecond = done.Completed / seconds;
        output.WriteLine($"{done.Completed} of {options.Burst} workflows completed, the last {seconds:F1} s after the first start (driven in {drivenIn:F1} s): {perSecond:F2} completions/s");
        output.WriteLine($"CPU from the first start to the end of the wait ({span.Wall:F1} s): {label} {span.Host / span.Wall * 100:F0}% of a core, "
            + $"{span.Host / Math.Max(1, done.Completed) * 1000:F2} ms per workflow; Azurite {span.Azurite / span.Wall * 100:F0}%, {span.Azurite / Math.Max(1, done.Completed) * 1000:F2} ms per workflow");
        if (options.Timeline)
        {
            (await WorkflowTimeline.ReadAsync(azurite.ConnectionString, options.TaskHub, tag)).Print(output);
        }

        var valid = Validity(span, load);
        return new RunFigures(label, valid && done.Completed == options.Burst)
        {
            CompletionsPerSecond = perSecond,
            HostMsPerCall = span.Host / Math.Max(1, done.Completed) * 1000,
            AzuriteMsPerCall = span.Azurite / Math.Max(1, done.Completed) * 1000,
            Completed = done.Completed,
            Calls = options.Burst,
        };
    }

    /// <summary>
    /// After the warm-up, until the host's tiering thread has been quiet for a second (at most a minute): the window
    /// then runs the optimized code a long-running host runs, not its recompilation.
    /// </summary>
    private async Task SettleJitAsync(int pid)
    {
        var jit = new JitMeter(pid);
        var waited = await jit.WaitQuietAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), noiseSeconds: 0.002);
        output.WriteLine($"host's tiered JIT: {jit.Seconds():F1} s of CPU since start, quiet after {waited.TotalSeconds:F1} s of waiting");
    }

    private void PrintJit(double seconds, Sample span) =>
        output.WriteLine($"host's tiered JIT in the window: {seconds * 1000:F0} ms ({seconds / Math.Max(span.Host, 0.001) * 100:F1}% of the host's CPU)");

    private async Task<TaskHubProbe.Completions> CompletionAsync(TaskHubProbe probe, uint tag, int calls, DateTime deadline)
    {
        while (true)
        {
            var done = await probe.CompletionsAsync(tag);
            if (done.Completed >= calls || DateTime.UtcNow > deadline)
            {
                return done;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Valid when neither the generator's core nor Azurite's was the bottleneck (each below 90 % busy), nor the
    /// generator itself. With the default pinning the generator shares the host's core, so that core's figure
    /// includes the host.
    /// </summary>
    private bool Validity(Sample window, string load)
    {
        var generator = window.Self / window.Wall;
        var generatorCore = window.Core(options.GeneratorCore);
        var azuriteCore = window.Core(options.AzuriteCore);
        var cores = string.Join(", ", window.CoreBusy.Select((busy, core) => $"core {core} {busy / window.Wall * 100:F0}%"));
        output.WriteLine($"generator {generator * 100:F0}% of a core; busy {cores}; on Azurite's core {(azuriteCore - window.Azurite / window.Wall) * 100:F0}% was not Azurite; load average {load}");
        List<string> why = [];
        if (generator >= 0.9 || generatorCore >= 0.9)
        {
            why.Add($"the generator's core {options.GeneratorCore} was {generatorCore * 100:F0}% busy (generator {generator * 100:F0}%)");
        }

        if (azuriteCore >= 0.9)
        {
            why.Add($"Azurite's core {options.AzuriteCore} was {azuriteCore * 100:F0}% busy");
        }

        output.WriteLine(why.Count == 0 ? "=> valid run" : $"=> INVALID RUN: {string.Join("; ", why)}");
        return why.Count == 0;
    }

    /// <summary>Until the phase's workflows have all completed and the processes are back near their idle CPU (or the limit).</summary>
    private async Task<(Sample Drain, TaskHubProbe.Completions Done)> DrainAsync(
        SystemUnderTest system, AzuriteServer azurite, TaskHubProbe probe, uint tag, int calls, Sample idle)
    {
        var start = Sample.Take(system.ProcessId, azurite.ProcessId);
        var last = start;
        var done = new TaskHubProbe.Completions(0, 0, null, null);
        while ((last.At - start.At).TotalSeconds < options.DrainLimit)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = Sample.Take(system.ProcessId, azurite.ProcessId);
            var step = now - last;
            last = now;
            done = await probe.CompletionsAsync(tag);
            if (done.Completed >= calls && (step.Host + step.Azurite) / step.Wall < (idle.Host + idle.Azurite) / idle.Wall + 0.05)
            {
                break;
            }
        }

        return (last - start, done);
    }

    private async Task WaitForLogAsync(string log, string marker)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!LogHas(log, marker))
        {
            if (DateTime.UtcNow > deadline)
            {
                output.WriteLine($"Azurite's log has not caught up in 3 minutes: the counts below miss its end");
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static bool LogHas(string log, string text)
    {
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<Sample> IdleAsync(SystemUnderTest system, AzuriteServer azurite)
    {
        var from = Sample.Take(system.ProcessId, azurite.ProcessId);
        await Task.Delay(TimeSpan.FromSeconds(5));
        return Sample.Take(system.ProcessId, azurite.ProcessId) - from;
    }

    private async Task<AzuriteServer> StartAzuriteAsync(string? log)
    {
        if (log is not null)
        {
            File.Delete(log);
        }

        // Azurite stands in for a remote storage service: in memory unless asked, so its disk is not measured.
        var azurite = options.AzuriteDisk ? await AzuriteServer.StartAsync()
            : await AzuriteServer.StartInMemoryAsync(log, options.AzuriteQueueSweepMs is { } sweep ? TimeSpan.FromMilliseconds(sweep) : null);
        Pin(azurite.ProcessId, options.AzuriteCore);
        return azurite;
    }

    private string? LogPath(string label, int round) =>
        options.AzuriteLog is not { } log ? null
        : options.Repeat == 1 && options.Compare is null && !options.Bare ? log
        : $"{log}.{label.Replace(' ', '-')}.{round}";

    public static void Pin(int pid, int core)
    {
        var start = new ProcessStartInfo("taskset", ["-a", "-p", "-c", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        };
        using var taskset = Process.Start(start)!;
        taskset.StandardOutput.ReadToEnd();
        taskset.WaitForExit();
    }

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static List<double> Latencies(IEnumerable<WebhookRecord> records) => records.Select(r => r.LatencyMs).Order().ToList();

    internal static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];

    private void PrintLatency(string name, List<double> sorted) =>
        output.WriteLine(sorted.Count == 0 ? $"{name,-32} none"
            : $"{name,-32} {Percentile(sorted, 0.5),8:F2} {Percentile(sorted, 0.99),8:F2} {sorted[^1],8:F2}  ({sorted.Count}{(sorted.Any(double.IsPositiveInfinity) ? $", {sorted.Count(double.IsPositiveInfinity)} failed" : "")})");
}
