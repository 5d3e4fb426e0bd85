using Azure.Data.Tables;

namespace CallCenter.Core.Storage;

/// <summary>
/// Table query filters as OData strings, quoted and escaped by <see cref="TableClient.CreateQueryFilter"/>. Queries
/// take these, never a LINQ expression: <c>QueryAsync(Expression)</c> compiles a new delegate for every value the
/// expression captures, at every query, and a process that JIT-compiles new code at every call keeps postponing the
/// tiering of everything else it runs (the host stayed in unoptimized code under load).
/// </summary>
public static class TableFilters
{
    /// <summary>Every row of one partition.</summary>
    public static string Partition(string partitionKey) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");

    /// <summary>The rows of one partition whose row key sorts before <paramref name="end"/> (a partition's own rows, before its index rows).</summary>
    public static string Before(string partitionKey, string end) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey lt {end}");

    /// <summary>The rows of one partition whose row key starts with <paramref name="prefix"/>, which ends in '|'.</summary>
    public static string Prefix(string partitionKey, string prefix)
    {
        if (!prefix.EndsWith('|'))
        {
            throw new ArgumentException("A row-key prefix ends in '|'.", nameof(prefix));
        }

        // '|' + 1 is '}': the range holds every row key that continues the prefix, and no other.
        var end = prefix[..^1] + "}";
        return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {end}");
    }
}
