using Azure.Data.Tables;
using CallCenter.Core.Calls;

namespace CallCenter.Core.Storage;

/// <summary>A call's conversation turns, in its tenant's partition, keyed by CallSid and sequence.</summary>
public sealed class TurnStore(CallCenterTables tables)
{
    // Entity group transactions take at most 100 operations.
    private const int MaxBatch = 100;

    /// <summary>Writes turns in batches; a retried append rewrites the same rows, so it is idempotent.</summary>
    public async Task AppendAsync(string tenantId, IReadOnlyList<ConversationTurn> turns, CancellationToken ct = default)
    {
        foreach (var chunk in turns.Chunk(MaxBatch))
        {
            var actions = chunk.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(tenantId, t)));
            await tables.Turns.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<ConversationTurn>> ListAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var from = callSid + "|";
        var to = callSid + "}";
        var result = new List<ConversationTurn>();
        var query = tables.Turns.QueryAsync<TableEntity>(
            e => e.PartitionKey == tenantId && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0,
            cancellationToken: ct);
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

    private static TableEntity ToEntity(string tenantId, ConversationTurn t) =>
        new(tenantId, $"{t.CallSid}|{t.Sequence:D6}")
        {
            ["Sequence"] = t.Sequence,
            ["Role"] = t.Role.ToString(),
            ["Text"] = t.Text,
            ["OffsetMs"] = (long)t.Offset.TotalMilliseconds,
        };
}
