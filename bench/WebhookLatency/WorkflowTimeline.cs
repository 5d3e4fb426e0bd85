using System.Globalization;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// Where a burst's workflows spent their time, from the task hub's History table (each event's own time,
/// <c>_Timestamp</c>): per instance its start, its first activity scheduled (the end of its first episode), its last
/// activity done (the engine's completion event, written when the worker reported it), and its completion. The gaps'
/// percentiles say which phase holds the workflows up; the per-second profile says whether activities finish at a
/// flat rate while many wait (a concurrency limit) or as fast as they are scheduled.
/// </summary>
internal sealed class WorkflowTimeline
{
    private readonly List<Instance> _instances;

    private WorkflowTimeline(List<Instance> instances) => _instances = instances;

    private sealed record Instance(DateTimeOffset Started, DateTimeOffset? Scheduled, DateTimeOffset? Done, DateTimeOffset? Completed, int Activities);

    public static async Task<WorkflowTimeline> ReadAsync(string connectionString, string taskHub, uint tag)
    {
        using var scope = HttpPipeline.CreateClientRequestIdScope(StorageReport.BenchRequestId);
        var history = new TableServiceClient(connectionString).GetTableClient(taskHub + "History");
        var prefix = CallSids.InstancePrefix(tag);
        var events = new Dictionary<string, List<(string Type, DateTimeOffset At)>>(StringComparer.Ordinal);
        await foreach (var row in history.QueryAsync<TableEntity>(
            $"PartitionKey ge '{prefix}' and PartitionKey lt '{prefix}g'", select: ["PartitionKey", "EventType", "_Timestamp"]))
        {
            if (row.GetString("EventType") is { } type && row.GetDateTimeOffset("_Timestamp") is { } at)
            {
                (events.TryGetValue(row.PartitionKey, out var list) ? list : events[row.PartitionKey] = []).Add((type, at));
            }
        }

        List<Instance> instances = [];
        foreach (var list in events.Values)
        {
            DateTimeOffset? First(params string[] types) => list.Where(e => types.Contains(e.Type)).Select(e => (DateTimeOffset?)e.At).Min();
            DateTimeOffset? Last(params string[] types) => list.Where(e => types.Contains(e.Type)).Select(e => (DateTimeOffset?)e.At).Max();
            if (First("ExecutionStarted") is { } started)
            {
                instances.Add(new Instance(started, First("TaskScheduled"), Last("TaskCompleted", "TaskFailed"), First("ExecutionCompleted"),
                    list.Count(e => e.Type == "TaskScheduled")));
            }
        }

        return new WorkflowTimeline(instances);
    }

    public void Print(TextWriter output)
    {
        if (_instances.Count == 0)
        {
            output.WriteLine("timeline: no history rows found");
            return;
        }

        output.WriteLine($"timeline of {_instances.Count} instances from the History table ({_instances.Average(i => i.Activities):F2} activities scheduled per instance), seconds: p50 / p90 / max");
        Gap("  started -> first activity scheduled", i => i.Scheduled - i.Started);
        Gap("  first scheduled -> last activity done", i => i.Done - i.Scheduled);
        Gap("  last activity done -> completed", i => i.Completed - i.Done);
        Gap("  started -> completed", i => i.Completed - i.Started);

        // Per second from the first start: what happened in it, and the activities scheduled but not done at its end.
        var origin = _instances.Min(i => i.Started);
        var end = _instances.Max(i => i.Completed ?? i.Done ?? i.Scheduled ?? i.Started);
        var seconds = (int)Math.Ceiling((end - origin).TotalSeconds);
        output.WriteLine("  second   started  scheduled  act.done  completed  activities in flight at its end");
        for (var s = 0; s < seconds; s++)
        {
            var (from, to) = (origin.AddSeconds(s), origin.AddSeconds(s + 1));
            int In(Func<Instance, DateTimeOffset?> at) => _instances.Count(i => at(i) is { } t && t >= from && t < to);
            var inFlight = _instances.Count(i => i.Scheduled is { } a && a < to && (i.Done is not { } d || d >= to));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s,6} {In(i => i.Started),9} {In(i => i.Scheduled),10} {In(i => i.Done),9} {In(i => i.Completed),10} {inFlight,10}"));
        }

        void Gap(string name, Func<Instance, TimeSpan?> gap)
        {
            var values = _instances.Select(gap).OfType<TimeSpan>().Select(t => t.TotalSeconds).Order().ToList();
            output.WriteLine(values.Count == 0 ? $"{name,-42} none"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{name,-42} {BenchRun.Percentile(values, 0.5),6:F2} / {BenchRun.Percentile(values, 0.9),6:F2} / {values[^1],6:F2}  ({values.Count})"));
        }
    }
}
