using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// The measured window moment by moment, per <see cref="Step"/> from its start: the webhooks due and answered and the
/// worst latency of those due, so a stall shows at its moment. With <c>--timeline</c> also what the processes did
/// then: the host's and Azurite's CPU and the host's thread count (from /proc), and Azurite's own answer time (the
/// bench asks it something cheap every 100 ms), which tells a stall of the host from one of storage. With Azurite's
/// log, its queue sweeps (see local/azurite/queue-sweep.cjs) are listed with their moments and lengths.
/// </summary>
internal sealed partial class Timeline : IAsyncDisposable
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(100);

    private readonly int _hostPid;
    private readonly int _azuritePid;
    private readonly QueueClient? _probe;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(DateTime At, double Host, double Azurite, int Threads, double[] Cores)> _samples = [];
    private readonly List<(DateTime At, double Ms)> _probes = [];
    private readonly List<Task> _loops = [];

    private Timeline(int hostPid, int azuritePid, string? azuriteConnection)
    {
        _hostPid = hostPid;
        _azuritePid = azuritePid;
        _probe = azuriteConnection is null ? null : new QueueServiceClient(azuriteConnection).GetQueueClient("wfbench-marker");
        Origin = DateTime.UtcNow;
    }

    /// <summary>The window's start (the first webhook's due time, to within a millisecond).</summary>
    public DateTime Origin { get; }

    /// <summary>Starts the clock; samples the processes and probes Azurite only when <paramref name="azuriteConnection"/> is given.</summary>
    public static Timeline Start(int hostPid, int azuritePid, string? azuriteConnection)
    {
        var timeline = new Timeline(hostPid, azuritePid, azuriteConnection);
        if (azuriteConnection is not null)
        {
            timeline._loops.Add(timeline.SampleAsync());
            timeline._loops.Add(timeline.ProbeAsync());
        }

        return timeline;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        // Twice a step, so every step holds a sample whatever the jitter.
        using var timer = new PeriodicTimer(Step / 2);
        try
        {
            do
            {
                var sample = Sample.Take(_hostPid, _azuritePid);
                _samples.Add((sample.At, sample.Host, sample.Azurite, Threads(_hostPid), sample.CoreBusy));
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProbeAsync()
    {
        // Counted out of the storage figures by its client request id (the bench's own requests).
        using var scope = HttpPipeline.CreateClientRequestIdScope(StorageReport.BenchRequestId);
        while (!_stop.IsCancellationRequested)
        {
            var at = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            try
            {
                await _probe!.ExistsAsync(CancellationToken.None);
                lock (_probes)
                {
                    _probes.Add((at, clock.Elapsed.TotalMilliseconds));
                }
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException)
            {
            }

            try
            {
                await Task.Delay(ProbeEvery - clock.Elapsed > TimeSpan.Zero ? ProbeEvery - clock.Elapsed : TimeSpan.Zero, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static int Threads(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                return int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static DateTime Due(WebhookRecord r) => r.Ok ? r.Answered - TimeSpan.FromMilliseconds(r.LatencyMs) : r.Sent;

    /// <summary>The worst moment of the window in one line, and webhooks over the 20 ms target; with <paramref name="detailed"/> every step.</summary>
    public void Print(IReadOnlyList<WebhookRecord> records, TextWriter output, bool detailed)
    {
        if (records.Count == 0)
        {
            return;
        }

        int Bucket(DateTime at) => (int)Math.Floor((at - Origin) / Step);
        var buckets = Math.Max(Bucket(records.Max(Due)), Bucket(records.Max(r => r.Answered))) + 1;
        var due = records.GroupBy(r => Math.Max(0, Bucket(Due(r)))).ToDictionary(g => g.Key, g => g.ToList());
        var answered = records.GroupBy(r => Math.Max(0, Bucket(r.Answered))).ToDictionary(g => g.Key, g => g.Count());
        double Worst(int b) => due.TryGetValue(b, out var list) ? list.Max(r => r.LatencyMs) : 0;

        var slow = records.Where(r => r.LatencyMs >= 20).ToList();
        var worst = Enumerable.Range(0, buckets).MaxBy(Worst);
        output.WriteLine($"timeline: worst {Step.TotalMilliseconds:0} ms of the window at +{worst * Step.TotalSeconds:F2} s ({due.GetValueOrDefault(worst)?.Count ?? 0} webhooks due, worst {Worst(worst):F0} ms); "
            + $"{slow.Count} of {records.Count} webhooks at 20 ms or more"
            + (slow.Count == 0 ? "" : $", due from +{(slow.Min(Due) - Origin).TotalSeconds:F2} to +{(slow.Max(Due) - Origin).TotalSeconds:F2} s, in {slow.Select(r => Bucket(Due(r))).Distinct().Count()} steps"));

        if (detailed)
        {
            List<(DateTime At, double Ms)> probes;
            lock (_probes)
            {
                probes = [.. _probes];
            }

            output.WriteLine($"  (per {Step.TotalMilliseconds:0} ms from the window's start; latency from the due time; CPU in % of a core; threads: the host's at the step's end; "
                + $"Azurite's answer: the worst of the bench's requests to it, one every {ProbeEvery.TotalMilliseconds:0} ms, started in the step; cores: each core's busy share, "
                + "whoever ran there: a core busy while the host and Azurite are not is other work on the machine)");
            output.WriteLine("     at s   due  answered  worst ms   host %  threads  Azurite %  Azurite's answer ms  cores %");
            for (var b = 0; b < buckets; b++)
            {
                var from = Origin + b * Step;
                var to = from + Step;
                var steps = _samples.Zip(_samples.Skip(1)).Where(p => p.Second.At > from && p.Second.At <= to).ToList();
                var wall = steps.Sum(p => (p.Second.At - p.First.At).TotalSeconds);
                string Cpu(Func<(DateTime At, double Host, double Azurite, int Threads, double[] Cores), double> cpu) =>
                    wall > 0 ? (steps.Sum(p => cpu(p.Second) - cpu(p.First)) / wall * 100).ToString("F0", CultureInfo.InvariantCulture) : "-";
                var cores = steps.Count == 0 ? "-" : string.Join(' ', Enumerable.Range(0, steps[0].Second.Cores.Length).Select(c => Cpu(s => s.Cores[c]).PadLeft(3)));
                var threads = steps.Count > 0 ? steps[^1].Second.Threads.ToString(CultureInfo.InvariantCulture) : "-";
                var probe = probes.Where(p => p.At >= from && p.At < to).Select(p => p.Ms).DefaultIfEmpty(double.NaN).Max();
                var mark = Worst(b) >= 100 ? "  <" : "";
                output.WriteLine($"  {b * Step.TotalSeconds,7:F2} {due.GetValueOrDefault(b)?.Count ?? 0,5} {answered.GetValueOrDefault(b),9} {Worst(b),9:F1} {Cpu(s => s.Host),8} {threads,8} {Cpu(s => s.Azurite),10} {probe,20:F1}  {cores}{mark}");
            }
        }

    }

    /// <summary>Azurite's queue sweeps from its log, from its start to <paramref name="end"/>; the (at most 10) longest of 100 ms or more with their moments.</summary>
    public void PrintSweeps(string azuriteLog, DateTime end, TextWriter output)
    {
        var sweeps = Sweeps(azuriteLog).Where(s => s.Start <= end).ToList();
        output.WriteLine($"Azurite's queue sweeps (freeing deleted messages) from its start to the drain's end: {sweeps.Count}, {sweeps.Count(s => s.TookMs >= 10)} of 10 ms or more, "
            + $"{sweeps.Count(s => s.TookMs >= 100)} of 100 ms or more"
            + (sweeps.Count == 0 ? "" : $"; the longest {sweeps.Max(s => s.TookMs)} ms, the most messages freed by one {sweeps.Max(s => s.Freed)}"));
        foreach (var sweep in sweeps.Where(s => s.TookMs >= 100).OrderByDescending(s => s.TookMs).Take(10).OrderBy(s => s.Start))
        {
            output.WriteLine($"  at {(sweep.Start - Origin).TotalSeconds:+0.00;-0.00} s from the window's start: {sweep.Freed} messages freed, took {sweep.TookMs} ms by Azurite's clock");
        }
    }

    /// <summary>Azurite's queue sweeps from its log: start (the log's times lag when Azurite is busy), messages freed, length as Azurite measured it.</summary>
    private static List<(DateTime Start, int Freed, int TookMs)> Sweeps(string log)
    {
        List<(DateTime, int, int)> sweeps = [];
        DateTime? start = null;
        var freed = 0;
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (!line.Contains("QueueGCManager:markSweep", StringComparison.Ordinal)
                || !DateTime.TryParse(line.AsSpan(0, line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? space : 0), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            {
                continue;
            }

            if (line.Contains("Start new mark and sweep", StringComparison.Ordinal))
            {
                (start, freed) = (at, 0);
            }
            else if (SweepCount().Match(line) is { Success: true } count)
            {
                freed = int.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            else if (SweepTook().Match(line) is { Success: true } took && start is { } began)
            {
                sweeps.Add((began, freed, int.Parse(took.Groups[1].Value, CultureInfo.InvariantCulture)));
                start = null;
            }
        }

        return sweeps;
    }

    [GeneratedRegex(@"unreferenced extents count is (\d+)")]
    private static partial Regex SweepCount();

    [GeneratedRegex(@"Mark and sweep finished, take (\d+)ms")]
    private static partial Regex SweepTook();
}
