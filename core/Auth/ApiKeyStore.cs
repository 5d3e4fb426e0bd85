using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Auth;

/// <summary>API key hashes in their tenant's partition; the key itself is never stored.</summary>
public sealed class ApiKeyStore(CallCenterTables tables)
{
    internal Task AddAsync(ApiKeyInfo info, byte[] hash, CancellationToken ct) =>
        tables.ApiKeys.AddEntityAsync(
            new TableEntity(info.TenantId, info.KeyId)
            {
                ["Name"] = info.Name,
                ["Hash"] = hash,
                ["CreatedAt"] = info.CreatedAt,
                ["ManagesKeys"] = info.ManagesKeys,
            },
            ct);

    internal async Task<StoredApiKey?> GetHashAsync(string tenantId, string keyId, CancellationToken ct)
    {
        var found = await tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(tenantId, keyId, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue && found.Value?.GetBinary("Hash") is { } hash
            ? new StoredApiKey(hash, found.Value.GetDateTimeOffset("RevokedAt"), found.Value.GetBoolean("ManagesKeys") ?? false)
            : null;
    }

    internal async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenantId, CancellationToken ct)
    {
        var result = new List<ApiKeyInfo>();
        await foreach (var e in tables.ApiKeys.QueryAsync<TableEntity>(TableFilters.Partition(tenantId), cancellationToken: ct)
            .ConfigureAwait(false))
        {
            result.Add(new ApiKeyInfo(
                tenantId, e.RowKey, e.GetString("Name") ?? "", e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("RevokedAt"),
                e.GetBoolean("ManagesKeys") ?? false));
        }

        return result;
    }

    internal async Task<bool> RevokeAsync(string tenantId, string keyId, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            // The first revocation time stands: revoking again changes nothing.
            var existing = await tables.ApiKeys.GetEntityAsync<TableEntity>(tenantId, keyId, cancellationToken: ct)
                .ConfigureAwait(false);
            if (existing.Value.GetDateTimeOffset("RevokedAt") is null)
            {
                var patch = new TableEntity(tenantId, keyId) { ["RevokedAt"] = at };
                await tables.ApiKeys.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return false;
        }
    }
}
