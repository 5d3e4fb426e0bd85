using Azure;
using Azure.Data.Tables;

namespace CallCenter.Core.Storage;

/// <summary>
/// The one read-modify-write of a table row in the product, under the row's ETag: a concurrent writer makes the
/// replace fail (412, or 404 when the row went away), and the change is applied again to the row as now stored.
/// Changes must therefore be pure functions of the row they are given.
/// </summary>
internal static class OptimisticUpdate
{
    /// <summary>Far above what a burst of writers to one row needs (fifty concurrent status writes settle well within it).</summary>
    public const int MaxAttempts = 200;

    /// <summary>
    /// Applies <paramref name="change"/> to the row and returns what is stored afterwards, or null when the row
    /// is missing. <paramref name="change"/> returns null when nothing is to change, and then nothing is written.
    /// With <paramref name="remembered"/>, every row read or written is remembered with its ETag, and
    /// <paramref name="startFromRemembered"/> tries the remembered copy first (one request, or none when nothing
    /// is to change); a stale copy costs one failed replace and is forgotten.
    /// </summary>
    /// <exception cref="OptimisticUpdateException">Other writers changed the row before each of <paramref name="maxAttempts"/> replaces.</exception>
    public static async Task<T?> RunAsync<T>(
        TableClient table,
        string partitionKey,
        string rowKey,
        Func<TableEntity, T> read,
        Func<T, T?> change,
        Func<T, TableEntity> write,
        CancellationToken ct,
        RememberedRows? remembered = null,
        bool startFromRemembered = false,
        int maxAttempts = MaxAttempts)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var copy = startFromRemembered && attempt == 1 && remembered?.TryGet(partitionKey, rowKey) is { } r ? r : null;
            var row = copy ?? await ReadAsync(table, partitionKey, rowKey, remembered, ct).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            var current = read(row);
            if (change(current) is not { } next)
            {
                return current;
            }

            var entity = write(next);
            try
            {
                var written = await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                remembered?.Remember(entity, written);
                return next;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
            {
                remembered?.Forget(partitionKey, rowKey);
                if (attempt >= maxAttempts)
                {
                    throw new OptimisticUpdateException(
                        $"Row {partitionKey}/{rowKey} of table {table.Name} was changed by another writer before each of {maxAttempts} attempts to update it.", e);
                }

                if (copy is null)
                {
                    // Another writer won the race for this row: spread the retries so they do not collide in lock-step.
                    await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(attempt, 20)), ct).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<TableEntity?> ReadAsync(TableClient table, string partitionKey, string rowKey, RememberedRows? remembered, CancellationToken ct)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        if (!found.HasValue || found.Value is not { } row)
        {
            return null;
        }

        remembered?.Remember(row);
        return row;
    }
}
