using Azure.Data.Tables;

namespace CallCenter.Core.Storage;

/// <summary>
/// Cursor pagination over Azure Tables with the service's own continuation token. Clients never see it:
/// the edge seals it to the tenant and listing (<see cref="Auth.ContinuationTokens"/>) and opens what comes back.
/// </summary>
public static class Pages
{
    public const int DefaultSize = 50;
    public const int MaxSize = 200;

    public static async Task<Page<T>> ReadAsync<T>(
        TableClient table, string filter, string? continuation, int pageSize, Func<TableEntity, T> map, CancellationToken ct)
    {
        var query = table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct);
        await foreach (var page in query.AsPages(continuation, pageSize).ConfigureAwait(false))
        {
            return new Page<T>(page.Values.Select(map).ToList(), string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return new Page<T>([], null);
    }
}
