using Azure;
using Azure.Data.Tables;

namespace CallCenter.Core.Storage;

/// <summary>
/// Read-modify-write of one row under its ETag: a concurrent writer makes the replace fail with 412, and the
/// change is re-applied to the fresh row. Mutations must therefore be pure functions of the row they get.
/// </summary>
internal static class OptimisticUpdate
{
    private const int MaxAttempts = 200;

    /// <summary>
    /// Applies <paramref name="change"/> to the row and returns what is stored afterwards, or null when the row
    /// is missing. <paramref name="change"/> returns null when nothing is to change, and then nothing is written.
    /// </summary>
    public static async Task<T?> RunAsync<T>(
        TableClient table,
        string partitionKey,
        string rowKey,
        Func<TableEntity, T> read,
        Func<T, T?> change,
        Func<T, TableEntity> write,
        CancellationToken ct)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct)
                .ConfigureAwait(false);
            if (!found.HasValue || found.Value is null)
            {
                return null;
            }

            var current = read(found.Value);
            if (change(current) is not { } next)
            {
                return current;
            }

            try
            {
                await table.UpdateEntityAsync(write(next), found.Value.ETag, TableUpdateMode.Replace, ct)
                    .ConfigureAwait(false);
                return next;
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() && attempt < MaxAttempts)
            {
                // Spread the retries of many writers to one row so they do not collide in lock-step.
                await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(attempt, 20)), ct).ConfigureAwait(false);
            }
        }
    }
}
