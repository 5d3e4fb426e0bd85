using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>A call's conversation turns, in its tenant's partition, keyed by CallSid and sequence.</summary>
public sealed class TurnStore(CallCenterTables tables)
{
    // Entity group transactions take at most 100 operations.
    private const int MaxBatch = 100;

    /// <summary>
    /// Inserts turns in batches and returns how many were new. Insert-only: a turn already stored under its
    /// CallSid and sequence is kept as it is, so a retried batch writes nothing twice and a second session
    /// on the same call can never replace what the first one said.
    /// </summary>
    public async Task<int> AppendAsync(string tenantId, IReadOnlyList<ConversationTurn> turns, CancellationToken ct = default)
    {
        var inserted = 0;
        foreach (var chunk in turns.DistinctBy(t => (t.CallSid, t.Sequence)).Chunk(MaxBatch))
        {
            inserted += await InsertAsync(tenantId, chunk, ct).ConfigureAwait(false);
        }

        return inserted;
    }

    public async Task<IReadOnlyList<ConversationTurn>> ListAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var result = new List<ConversationTurn>();
        var query = tables.Turns.QueryAsync<TableEntity>(TableFilters.Prefix(tenantId, callSid + "|"), cancellationToken: ct);
        await foreach (var e in query.ConfigureAwait(false))
        {
            result.Add(new ConversationTurn(
                callSid,
                e.GetInt32("Sequence") ?? 0,
                Enum.Parse<TurnRole>(e.GetString("Role") ?? nameof(TurnRole.Caller)),
                e.GetString("Text") ?? "",
                TimeSpan.FromMilliseconds(e.GetInt64("OffsetMs") ?? 0)));
        }

        return result;
    }

    /// <summary>Deletes every turn of the call (retention); returns how many there were. Repeating it deletes nothing.</summary>
    public async Task<int> DeleteAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var stored = await ListAsync(tenantId, callSid, ct).ConfigureAwait(false);
        foreach (var chunk in stored.Chunk(MaxBatch))
        {
            await tables.Turns.SubmitTransactionAsync(
                chunk.Select(t => new TableTransactionAction(TableTransactionActionType.Delete, ToEntity(tenantId, t), Azure.ETag.All)), ct).ConfigureAwait(false);
        }

        return stored.Count;
    }

    /// <summary>
    /// One transaction of adds. A transaction fails whole on its first existing row, so on a conflict the rows
    /// already stored are read (one query per call in the batch) and the rest is sent again.
    /// </summary>
    private async Task<int> InsertAsync(string tenantId, IReadOnlyList<ConversationTurn> turns, CancellationToken ct)
    {
        var pending = turns;
        while (pending.Count > 0)
        {
            try
            {
                await tables.Turns.SubmitTransactionAsync(
                    pending.Select(t => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(tenantId, t))), ct).ConfigureAwait(false);
                return pending.Count;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                var stored = new HashSet<(string, int)>();
                foreach (var callSid in pending.Select(t => t.CallSid).Distinct(StringComparer.Ordinal))
                {
                    foreach (var turn in await ListAsync(tenantId, callSid, ct).ConfigureAwait(false))
                    {
                        stored.Add((turn.CallSid, turn.Sequence));
                    }
                }

                var rest = pending.Where(t => !stored.Contains((t.CallSid, t.Sequence))).ToList();
                if (rest.Count == pending.Count)
                {
                    throw; // A conflict with no stored row to explain it: not ours to hide.
                }

                pending = rest;
            }
        }

        return 0;
    }

    private static TableEntity ToEntity(string tenantId, ConversationTurn t) =>
        new(tenantId, $"{t.CallSid}|{t.Sequence:D6}")
        {
            ["Sequence"] = t.Sequence,
            ["Role"] = t.Role.ToString(),
            ["Text"] = t.Text,
            ["OffsetMs"] = (long)t.Offset.TotalMilliseconds,
        };
}
