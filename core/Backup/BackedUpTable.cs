using Azure.Data.Tables;

namespace CallCenter.Core.Backup;

/// <summary>
/// A table as the backup sees it: its name without the environment's prefix (so an export restores into any
/// account), and how a row names its tenant: the partition key, or a <c>TenantId</c> column in the two
/// global indexes.
/// </summary>
internal sealed record BackedUpTable(string Name, TableClient Client, bool IsGlobalIndex)
{
    public const string TenantColumn = "TenantId";

    /// <summary>The tenant owning the row; null for rows no tenant owns (a recording parked before its call).</summary>
    public string? TenantOf(TableEntity row) => IsGlobalIndex ? row.GetString(TenantColumn) : row.PartitionKey;
}
