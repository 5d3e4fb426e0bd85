using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Callbacks;

/// <summary>
/// Callbacks in their tenant's partition of the Callbacks table (row key = callback id), and beside each one a call's
/// agent asked for, a row naming it under that call (<c>~call|{CallSid}|{callback id}</c>): the call's end reads its
/// callbacks from a range of row keys, where a filter on a property would scan every callback the tenant ever had.
/// </summary>
public sealed class CallbackStore(CallCenterTables tables)
{
    private const string ByCallPrefix = "~call|";

    /// <summary>Row keys from here on are the by-call rows; callback ids ("CB…") sort before them.</summary>
    private const string FirstIndexKey = "~";

    /// <summary>Adds the callback unless its id exists; returns the stored one and whether this call added it.</summary>
    public async Task<(Callback Callback, bool Created)> CreateIfMissingAsync(Callback callback, CancellationToken ct = default)
    {
        try
        {
            if (callback.RequestedByCallSid is { } callSid)
            {
                // One transaction: a callback is never stored without the row its call's end finds it by.
                await tables.Callbacks.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.Add, ToEntity(callback)),
                        new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(callback.TenantId, ByCall(callSid) + callback.Id)),
                    ],
                    ct).ConfigureAwait(false);
            }
            else
            {
                await tables.Callbacks.AddEntityAsync(ToEntity(callback), ct).ConfigureAwait(false);
            }

            return (callback, true);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            var stored = await GetAsync(callback.TenantId, callback.Id, ct).ConfigureAwait(false);
            return (stored ?? throw new InvalidOperationException($"Callback {callback.Id} vanished."), false);
        }
    }

    public async Task<Callback?> GetAsync(string tenantId, string callbackId, CancellationToken ct = default)
    {
        if (!CallbackIds.IsCallbackId(callbackId))
        {
            return null;
        }

        var found = await tables.Callbacks.GetEntityIfExistsAsync<TableEntity>(tenantId, callbackId, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? ToCallback(e) : null;
    }

    /// <summary>
    /// Changes one callback under its ETag; <paramref name="change"/> returns null when nothing is to change.
    /// Null when the tenant has no such callback.
    /// </summary>
    public Task<Callback?> UpdateAsync(string tenantId, string callbackId, Func<Callback, Callback?> change, CancellationToken ct = default) =>
        OptimisticUpdate.RunAsync(tables.Callbacks, tenantId, callbackId, ToCallback, c => change(c) is { } next ? next with { TenantId = c.TenantId, Id = c.Id } : null, ToEntity, ct);

    /// <summary>A page of the tenant's callbacks (in id order), optionally of one status.</summary>
    public Task<Storage.Page<Callback>> ListPageAsync(string tenantId, string? status, string? continuation, int limit, CancellationToken ct = default)
    {
        var filter = TableFilters.Before(tenantId, FirstIndexKey);
        if (status is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }

        return Pages.ReadAsync(tables.Callbacks, filter, continuation, limit, ToCallback, ct);
    }

    /// <summary>The callbacks the agent of one call asked for: a range of its by-call rows, then each callback.</summary>
    public async Task<IReadOnlyList<Callback>> ListRequestedByCallAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var ids = new List<string>();
        var prefix = ByCall(callSid);
        await foreach (var e in tables.Callbacks.QueryAsync<TableEntity>(TableFilters.Prefix(tenantId, prefix), select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            ids.Add(e.RowKey[prefix.Length..]);
        }

        var result = new List<Callback>(ids.Count);
        foreach (var id in ids)
        {
            if (await GetAsync(tenantId, id, ct).ConfigureAwait(false) is { } callback)
            {
                result.Add(callback);
            }
        }

        return result;
    }

    /// <summary>The row-key prefix of the by-call rows of one call.</summary>
    private static string ByCall(string callSid) => ByCallPrefix + callSid + "|";

    private static TableEntity ToEntity(Callback c) => new(c.TenantId, c.Id)
    {
        ["LeadId"] = c.LeadId,
        ["Phone"] = c.Phone,
        ["RequestedAt"] = c.RequestedAt,
        ["DueAt"] = c.DueAt,
        ["ScheduledFor"] = c.ScheduledFor,
        ["Reason"] = c.Reason,
        ["Source"] = c.Source,
        ["Status"] = c.Status,
        ["StatusReason"] = c.StatusReason,
        ["CallId"] = c.CallId,
        ["OutboundCallId"] = c.OutboundCallId,
        ["RequestedByCallSid"] = c.RequestedByCallSid,
    };

    private static Callback ToCallback(TableEntity e) => new()
    {
        TenantId = e.PartitionKey,
        Id = e.RowKey,
        LeadId = e.GetString("LeadId") ?? "",
        Phone = e.GetString("Phone") ?? "",
        RequestedAt = e.GetDateTimeOffset("RequestedAt") ?? default,
        DueAt = e.GetDateTimeOffset("DueAt") ?? default,
        ScheduledFor = e.GetDateTimeOffset("ScheduledFor") ?? default,
        Reason = e.GetString("Reason"),
        Source = e.GetString("Source") ?? CallbackSources.Api,
        Status = e.GetString("Status") ?? CallbackStatuses.Scheduled,
        StatusReason = e.GetString("StatusReason"),
        CallId = e.GetString("CallId"),
        OutboundCallId = e.GetString("OutboundCallId"),
        RequestedByCallSid = e.GetString("RequestedByCallSid"),
    };
}
