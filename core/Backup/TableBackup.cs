using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Backup;

/// <summary>
/// Exports every tenant's table rows to blobs and puts a tenant back from them. An export holds the rows whose
/// Timestamp (last write) falls in one window, one blob per tenant: <c>{tenant}/{end of window}.jsonl</c>.
/// Exports never overwrite one another, so re-running a window writes nothing new, and a restore replays a
/// tenant's exports oldest first up to the one asked for: every row comes back as it was at that point.
/// Deletes are not recorded: a restore brings back rows deleted since, which is what undoing a mistake needs.
/// </summary>
public sealed class TableBackup
{
    public const string Latest = "latest";

    // Tenant ids start with a letter or digit, so this path never meets a tenant's folder.
    private const string WatermarkBlob = "_state/exported-until";
    private const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string Extension = ".jsonl";

    private readonly IReadOnlyList<BackedUpTable> _tables;
    private readonly IReadOnlyDictionary<string, BackedUpTable> _byName;
    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;

    public TableBackup(CallCenterTables tables, BlobServiceClient blobs, IOptions<BackupOptions> options, TimeProvider time)
    {
        _tables =
        [
            new("Tenants", tables.Tenants, false),
            new("PhoneRoutes", tables.PhoneRoutes, true),
            new("Leads", tables.Leads, false),
            new("Calls", tables.Calls, false),
            new("CallIndex", tables.CallIndex, true),
            new("Turns", tables.Turns, false),
            new("ApiKeys", tables.ApiKeys, false),
            new("Prompts", tables.Prompts, false),
            new("WhatsApp", tables.WhatsApp, false),
            new("CallStats", tables.CallStats, false),
            new("Callbacks", tables.Callbacks, false),
        ];
        _byName = _tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _container = blobs.GetBlobContainerClient(options.Value.Container);
        _time = time;
    }

    /// <summary>
    /// Exports what changed since the last completed run, up to the start of the current UTC day: rows still
    /// being written today wait for tomorrow's window. A run that finds nothing due does nothing.
    /// </summary>
    public async Task<ExportResult> ExportDueAsync(CancellationToken ct = default)
    {
        var now = _time.GetUtcNow();
        var until = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var from = await ReadWatermarkAsync(ct).ConfigureAwait(false) ?? DateTimeOffset.UnixEpoch;
        if (from >= until)
        {
            return ExportResult.Nothing(until);
        }

        var result = await ExportAsync(from, until, ct).ConfigureAwait(false);
        await _container.GetBlobClient(WatermarkBlob)
            .UploadAsync(BinaryData.FromString(Stamp(until)), overwrite: true, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>Exports the rows last written in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<ExportResult> ExportAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        var byTenant = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"Timestamp ge {from.ToUniversalTime()} and Timestamp lt {to.ToUniversalTime()}");
        var rows = 0;
        foreach (var table in _tables)
        {
            try
            {
                await foreach (var row in table.Client.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
                {
                    if (table.TenantOf(row) is { } tenant && TenantIds.IsValid(tenant))
                    {
                        Lines(byTenant, tenant).Add(BackupRowCodec.Encode(table.Name, row));
                        rows++;
                    }
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // A table no host has created yet holds nothing to export.
            }
        }

        var written = new List<string>();
        var alreadyThere = new List<string>();
        foreach (var (tenant, lines) in byTenant)
        {
            lines.Sort(StringComparer.Ordinal);
            var name = BlobName(tenant, Stamp(to));
            (await WriteOnceAsync(name, string.Join('\n', lines) + "\n", from, to, ct).ConfigureAwait(false) ? written : alreadyThere).Add(name);
        }

        return new ExportResult(from, to, written, alreadyThere, rows);
    }

    /// <summary>The tenant's exports, oldest first, each named by the end of its window (<c>20261202T000000Z</c>).</summary>
    public async Task<IReadOnlyList<string>> ListExportsAsync(string tenantId, CancellationToken ct = default)
    {
        var exports = new List<string>();
        if (!TenantIds.IsValid(tenantId) || !await _container.ExistsAsync(ct).ConfigureAwait(false))
        {
            return exports;
        }

        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, tenantId + "/", ct).ConfigureAwait(false))
        {
            var name = blob.Name[(tenantId.Length + 1)..];
            if (name.EndsWith(Extension, StringComparison.Ordinal))
            {
                exports.Add(name[..^Extension.Length]);
            }
        }

        exports.Sort(StringComparer.Ordinal);
        return exports;
    }

    /// <summary>
    /// Writes the tenant's rows back as they were at <paramref name="export"/> (or the <see cref="Latest"/>),
    /// replaying its exports oldest first. Returns null when the tenant has no such export.
    /// </summary>
    public async Task<RestoreResult?> RestoreAsync(string tenantId, string export, CancellationToken ct = default)
    {
        var exports = await ListExportsAsync(tenantId, ct).ConfigureAwait(false);
        var upTo = export == Latest ? exports.LastOrDefault() : exports.FirstOrDefault(e => e == export);
        if (upTo is null)
        {
            return null;
        }

        var applied = exports.Where(e => string.CompareOrdinal(e, upTo) <= 0).ToList();
        var (written, kept) = (0, 0);
        foreach (var name in applied)
        {
            var content = await _container.GetBlobClient(BlobName(tenantId, name)).DownloadContentAsync(ct).ConfigureAwait(false);
            foreach (var line in content.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (tableName, row) = BackupRowCodec.Decode(line);
                var table = _byName.TryGetValue(tableName, out var known) ? known : throw new FormatException($"Export {name} names an unknown table '{tableName}'.");
                if (table.TenantOf(row) != tenantId)
                {
                    throw new FormatException($"Export {name} of tenant {tenantId} holds a row of another tenant.");
                }

                if (await WriteBackAsync(table, tenantId, row, ct).ConfigureAwait(false))
                {
                    written++;
                }
                else
                {
                    kept++;
                }
            }
        }

        return new RestoreResult(applied, written, kept);
    }

    /// <summary>
    /// A tenant's own partition is simply replaced; a global index row (a number's route, a call's owner) is
    /// written only while no other tenant holds it, so restoring one tenant never takes from another.
    /// </summary>
    private static async Task<bool> WriteBackAsync(BackedUpTable table, string tenantId, TableEntity row, CancellationToken ct)
    {
        if (!table.IsGlobalIndex)
        {
            await table.Client.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return true;
        }

        try
        {
            await table.Client.AddEntityAsync(row, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await table.Client.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct).ConfigureAwait(false);
            if (existing.Value.GetString(BackedUpTable.TenantColumn) != tenantId)
            {
                return false;
            }

            await table.Client.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return true;
        }
    }

    private async Task<bool> WriteOnceAsync(string name, string content, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        try
        {
            await _container.GetBlobClient(name).UploadAsync(
                BinaryData.FromString(content),
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" },
                    Metadata = new Dictionary<string, string> { ["from"] = Stamp(from), ["to"] = Stamp(to) },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private async Task<DateTimeOffset?> ReadWatermarkAsync(CancellationToken ct)
    {
        try
        {
            var content = await _container.GetBlobClient(WatermarkBlob).DownloadContentAsync(ct).ConfigureAwait(false);
            return DateTimeOffset.ParseExact(content.Value.Content.ToString(), StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static List<string> Lines(SortedDictionary<string, List<string>> byTenant, string tenant) =>
        byTenant.TryGetValue(tenant, out var lines) ? lines : byTenant[tenant] = [];

    private static string BlobName(string tenantId, string stamp) => $"{tenantId}/{stamp}{Extension}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
}
