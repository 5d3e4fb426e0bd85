using Azure;
using Azure.Data.Tables;

namespace CallCenter.Core.Storage;

/// <summary>
/// Rows as this process last read or wrote them, with their ETags, so that the next change can be one
/// conditional replace instead of a read and a replace. Bounded; a row is never changed once remembered
/// (every change makes a new entity).
/// </summary>
internal sealed class RememberedRows(int capacity)
{
    private readonly BoundedMemo<(string PartitionKey, string RowKey), TableEntity> _rows = new(capacity);

    public TableEntity? TryGet(string partitionKey, string rowKey) => _rows.TryGetValue((partitionKey, rowKey), out var row) ? row : null;

    /// <summary>Remembers a row as read, or as just written when <paramref name="written"/> carries its new ETag.</summary>
    public void Remember(TableEntity row, Response? written = null)
    {
        if (written?.Headers.ETag is { } etag)
        {
            row.ETag = etag;
        }

        _rows.Set((row.PartitionKey, row.RowKey), row);
    }

    public void Forget(string partitionKey, string rowKey) => _rows.Remove((partitionKey, rowKey));
}
