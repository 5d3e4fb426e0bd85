using System.Globalization;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>
/// Per tenant and day, the calls' outcomes, minutes, cost and latency histogram (table <c>CallStats</c>, the
/// tenant's partition, row <c>day|yyyy-MM-dd</c>). A call is added exactly once: a marker row
/// <c>counted|{CallSid}</c> is <c>Add</c>ed in the same entity-group transaction that replaces the day row under
/// its ETag, so a replay finds the marker (409) and adds nothing, and two calls racing on a day re-read it.
/// </summary>
public sealed class CallStatsStore(CallCenterTables tables)
{
    private const string DayPrefix = "day|";
    private const string CountedPrefix = "counted|";
    private const int MaxAttempts = 20;

    // Days this process wrote last, with their ETags: the next call of the day is one transaction, no read. Far
    // above the (tenant, day) pairs one instance counts calls for; a reset costs one read each.
    private readonly BoundedMemo<(string TenantId, string Day), TableEntity> _days = new(20_000);

    // A burst of one tenant's calls all add to its day: queued in this process, each is one transaction from the last.
    private readonly RowGate _gate = new();

    /// <summary>Adds the call to its day unless it was added before; true when this call added it.</summary>
    public async Task<bool> AddOnceAsync(string tenantId, CallStatsEntry entry, CancellationToken ct = default)
    {
        var marker = new TableEntity(tenantId, CountedPrefix + entry.CallSid)
        {
            ["Date"] = DayText(entry.Date),
            ["Outcome"] = entry.Outcome,
            ["Minutes"] = entry.Minutes,
            ["CostMicros"] = Micros(entry.Cost),
        };
        var dayKey = DayPrefix + DayText(entry.Date);
        using var turn = await _gate.EnterAsync(tenantId, dayKey, ct).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            // The day as this process last wrote it, if it did: the transaction is conditional on its ETag, so a day
            // another writer moved on fails it and is read below.
            var day = attempt == 1 && _days.TryGetValue((tenantId, dayKey), out var known) ? known : await ReadDayAsync(tenantId, dayKey, ct).ConfigureAwait(false);
            var next = ToEntity(tenantId, Add(day is null ? DailyCallStats.Empty(entry.Date) : ToStats(day), entry));
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, marker),
                day is null ? new(TableTransactionActionType.Add, next) : new(TableTransactionActionType.UpdateReplace, next, day.ETag),
            ];
            try
            {
                var written = await tables.CallStats.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                if (written.Value[1].Headers.ETag is { } etag)
                {
                    next.ETag = etag;
                    _days.Set((tenantId, dayKey), next);
                }

                return true;
            }
            catch (TableTransactionFailedException e) when (e.IsConflict() || e.IsPreconditionFailed())
            {
                // Only a marker or a day that exists, or a day moved on, is retried: a request storage refused (400) is
                // refused again, and ends the step as a permanent failure instead of twenty reads.
                _days.Remove((tenantId, dayKey));

                // Either the marker exists (counted before: done) or the day moved under us (read it again).
                if (await IsCountedAsync(tenantId, entry.CallSid, ct).ConfigureAwait(false))
                {
                    return false;
                }

                if (attempt >= MaxAttempts)
                {
                    throw new OptimisticUpdateException($"Day {DayText(entry.Date)} of {tenantId} kept changing.", e);
                }
            }
        }
    }

    private async Task<TableEntity?> ReadDayAsync(string tenantId, string dayKey, CancellationToken ct)
    {
        var found = await tables.CallStats.GetEntityIfExistsAsync<TableEntity>(tenantId, dayKey, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    public async Task<bool> IsCountedAsync(string tenantId, string callSid, CancellationToken ct = default) =>
        (await tables.CallStats.GetEntityIfExistsAsync<TableEntity>(tenantId, CountedPrefix + callSid, ["PartitionKey"], ct).ConfigureAwait(false)).HasValue;

    /// <summary>Every day from <paramref name="from"/> to <paramref name="to"/> inclusive, zeros for a day without calls.</summary>
    public async Task<IReadOnlyList<DailyCallStats>> ListAsync(string tenantId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var stored = new Dictionary<DateOnly, DailyCallStats>();
        var lo = DayPrefix + DayText(from);
        var hi = DayPrefix + DayText(to);
        await foreach (var e in tables.CallStats.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {lo} and RowKey le {hi}"), cancellationToken: ct).ConfigureAwait(false))
        {
            var stats = ToStats(e);
            stored[stats.Date] = stats;
        }

        var days = new List<DailyCallStats>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            days.Add(stored.TryGetValue(d, out var s) ? s : DailyCallStats.Empty(d));
        }

        return days;
    }

    private static DailyCallStats Add(DailyCallStats day, CallStatsEntry entry)
    {
        var outcomes = new Dictionary<string, int>(day.Outcomes);
        outcomes[entry.Outcome] = outcomes.GetValueOrDefault(entry.Outcome) + 1;
        var counts = (int[])day.LatencyCounts.Clone();
        foreach (var ms in entry.LatenciesMs)
        {
            counts[LatencyHistogram.BucketOf(ms)]++;
        }

        return new DailyCallStats(day.Date, day.Calls + 1, outcomes, day.Minutes + entry.Minutes, day.Cost + entry.Cost, counts);
    }

    private static TableEntity ToEntity(string tenantId, DailyCallStats d)
    {
        var e = new TableEntity(tenantId, DayPrefix + DayText(d.Date))
        {
            ["Calls"] = d.Calls,
            ["Minutes"] = d.Minutes,
            ["CostMicros"] = Micros(d.Cost),
            ["Latency"] = LatencyHistogram.ToBytes(d.LatencyCounts),
        };
        foreach (var (outcome, count) in d.Outcomes)
        {
            e[OutcomeColumn(outcome)] = count;
        }

        return e;
    }

    private static DailyCallStats ToStats(TableEntity e) => new(
        DateOnly.ParseExact(e.RowKey[DayPrefix.Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetInt32("Calls") ?? 0,
        CallOutcomes.All.ToDictionary(o => o, o => e.GetInt32(OutcomeColumn(o)) ?? 0),
        e.GetInt64("Minutes") ?? 0,
        (e.GetInt64("CostMicros") ?? 0) / 1_000_000m,
        LatencyHistogram.FromBytes(e.GetBinary("Latency")));

    // Property names must be identifiers: "no-answer" becomes "NoAnswer".
    private static string OutcomeColumn(string outcome) =>
        "Outcome" + string.Concat(outcome.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    // Exact sums: a day adds integers of a millionth of the currency, never floating point.
    private static long Micros(decimal amount) => (long)Math.Round(amount * 1_000_000m);

    private static string DayText(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
