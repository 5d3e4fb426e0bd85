using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace CallCenter.Crm.Tests;

/// <summary>
/// Every row of every table with a prefix, and every blob of a container, by key and ETag: a write of any kind,
/// even one that stores the same values again, changes an ETag, so two equal snapshots mean nothing was written.
/// </summary>
public sealed record StorageSnapshot(IReadOnlyDictionary<string, string> Items)
{
    public static async Task<StorageSnapshot> TakeAsync(string connectionString, string tablePrefix, string container)
    {
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        var service = new TableServiceClient(connectionString);
        await foreach (var table in service.QueryAsync(t => t.Name.CompareTo(tablePrefix) >= 0 && t.Name.CompareTo(tablePrefix + "{") < 0))
        {
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                items[$"table {table.Name} {row.PartitionKey} {row.RowKey}"] = row.ETag.ToString();
            }
        }

        var blobs = new BlobContainerClient(connectionString, container);
        if (await blobs.ExistsAsync())
        {
            await foreach (var blob in blobs.GetBlobsAsync())
            {
                items[$"blob {blob.Name}"] = blob.Properties.ETag?.ToString() ?? "";
            }
        }

        return new StorageSnapshot(items);
    }

    /// <summary>What differs from an earlier snapshot: added, removed or rewritten items, at most a few.</summary>
    public IReadOnlyList<string> ChangesSince(StorageSnapshot before) =>
        Items.Where(p => !before.Items.TryGetValue(p.Key, out var etag) || etag != p.Value).Select(p => "written: " + p.Key)
            .Concat(before.Items.Keys.Where(k => !Items.ContainsKey(k)).Select(k => "removed: " + k))
            .Take(20)
            .ToList();
}
