using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Prompts;

/// <summary>
/// Prompts in the tenant's partition: immutable version rows (<c>{channel}|{version:D6}</c>) and one pointer
/// row per channel (<c>{channel}</c>) naming the current version. A build reads only the pointer; version
/// rows are immutable, so they can be cached forever by (tenant, channel, version).
/// </summary>
public sealed class PromptStore(CallCenterTables tables, TimeProvider time)
{
    public async Task<PromptPointer?> GetPointerAsync(string tenantId, PromptChannel channel, CancellationToken ct = default)
    {
        var found = await tables.Prompts.GetEntityIfExistsAsync<TableEntity>(tenantId, channel.ToWire(), ["Current", "Latest"], ct)
            .ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? new PromptPointer(e.GetInt32("Current") ?? 0, e.GetInt32("Latest") ?? 0) : null;
    }

    public async Task<PromptVersion?> GetVersionAsync(string tenantId, PromptChannel channel, int version, CancellationToken ct = default)
    {
        if (version < 1)
        {
            return null;
        }

        var found = await tables.Prompts.GetEntityIfExistsAsync<TableEntity>(tenantId, VersionRow(channel, version), cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? ToVersion(e, channel) : null;
    }

    public async Task<IReadOnlyList<PromptVersion>> ListVersionsAsync(string tenantId, PromptChannel channel, CancellationToken ct = default)
    {
        var result = new List<PromptVersion>();
        await foreach (var e in tables.Prompts.QueryAsync<TableEntity>(TableFilters.Prefix(tenantId, channel.ToWire() + "|"), cancellationToken: ct).ConfigureAwait(false))
        {
            result.Add(ToVersion(e, channel));
        }

        return result;
    }

    /// <summary>
    /// Writes the next version and makes it current. Concurrent writers each get their own number. A save torn
    /// by a crash (its version row written, the pointer never moved) leaves a number the pointer does not
    /// count: the next save steps over it instead of trying it again forever, and its pointer move brings
    /// <see cref="PromptPointer.Latest"/> past it.
    /// </summary>
    public async Task<PromptVersion> AddVersionAsync(
        string tenantId, PromptChannel channel, string instructions, string? businessFacts, CancellationToken ct = default)
    {
        var pointer = await ReadPointerEntityAsync(tenantId, channel, ct).ConfigureAwait(false);
        var next = (pointer?.GetInt32("Latest") ?? 0) + 1;
        while (true)
        {
            var version = new PromptVersion(tenantId, channel, next, instructions, businessFacts, time.GetUtcNow());
            try
            {
                await tables.Prompts.AddEntityAsync(ToEntity(version), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Taken, by a concurrent writer or a torn save: try the number after it, or after the pointer's
                // Latest if another writer has moved it further meanwhile.
                pointer = await ReadPointerEntityAsync(tenantId, channel, ct).ConfigureAwait(false);
                next = Math.Max(next, pointer?.GetInt32("Latest") ?? 0) + 1;
                continue;
            }

            await MovePointerAsync(tenantId, channel, next, ct).ConfigureAwait(false);
            return version;
        }
    }

    /// <summary>Makes an existing version current again; false when there is no such version.</summary>
    public async Task<bool> ActivateAsync(string tenantId, PromptChannel channel, int version, CancellationToken ct = default)
    {
        if (await GetVersionAsync(tenantId, channel, version, ct).ConfigureAwait(false) is null)
        {
            return false;
        }

        await MovePointerAsync(tenantId, channel, version, ct).ConfigureAwait(false);
        return true;
    }

    private async Task MovePointerAsync(string tenantId, PromptChannel channel, int current, CancellationToken ct)
    {
        while (true)
        {
            var pointer = await ReadPointerEntityAsync(tenantId, channel, ct).ConfigureAwait(false);
            var latest = Math.Max(pointer?.GetInt32("Latest") ?? 0, current);
            var row = new TableEntity(tenantId, channel.ToWire()) { ["Current"] = current, ["Latest"] = latest };
            try
            {
                if (pointer is null)
                {
                    await tables.Prompts.AddEntityAsync(row, ct).ConfigureAwait(false);
                }
                else
                {
                    await tables.Prompts.UpdateEntityAsync(row, pointer.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // A concurrent writer moved the pointer: re-read so Latest never goes back.
            }
        }
    }

    private async Task<TableEntity?> ReadPointerEntityAsync(string tenantId, PromptChannel channel, CancellationToken ct)
    {
        var found = await tables.Prompts.GetEntityIfExistsAsync<TableEntity>(tenantId, channel.ToWire(), cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    private static string VersionRow(PromptChannel channel, int version) => $"{channel.ToWire()}|{version:D6}";

    private static TableEntity ToEntity(PromptVersion v) => new(v.TenantId, VersionRow(v.Channel, v.Version))
    {
        ["Version"] = v.Version,
        ["Instructions"] = v.Instructions,
        ["BusinessFacts"] = v.BusinessFacts,
        ["CreatedAt"] = v.CreatedAt,
    };

    private static PromptVersion ToVersion(TableEntity e, PromptChannel channel) => new(
        e.PartitionKey,
        channel,
        e.GetInt32("Version") ?? 0,
        e.GetString("Instructions") ?? "",
        e.GetString("BusinessFacts"),
        e.GetDateTimeOffset("CreatedAt") ?? default);
}
