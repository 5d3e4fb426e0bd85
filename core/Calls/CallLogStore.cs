using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>
/// Call logs in their tenant's partition (row key = CallSid), plus the CallSid index that finds a call's
/// tenant when only the CallSid is known (status and recording callbacks, the media bridge).
/// </summary>
/// <remarks>
/// The webhooks of a call come in bursts, so the store remembers what it last wrote or read of recent calls:
/// a CallSid's tenant (which never changes) and the call's row with its ETag, so that the next status write
/// is one conditional replace instead of a read and a replace. A row changed elsewhere fails that replace
/// and is read again.
/// </remarks>
public sealed class CallLogStore(CallCenterTables tables)
{
    private const string IndexRow = "call";
    private const string RecordingRow = "recording";

    // Far above the calls one instance sees in progress.
    private const int MaxRemembered = 10_000;

    private readonly BoundedMemo<string, string> _tenantOfCall = new(MaxRemembered, StringComparer.Ordinal);
    private readonly RememberedRows _rows = new(MaxRemembered);

    /// <summary>
    /// Creates the call unless it exists; returns the stored call and whether this call created it. A CallSid
    /// that another tenant already holds is refused.
    /// </summary>
    public async Task<(CallLog Call, bool Created)> CreateIfMissingAsync(CallLog call, CancellationToken ct = default)
    {
        var owner = await IndexAsync(call.CallSid, call.TenantId, ct).ConfigureAwait(false);
        if (owner != call.TenantId)
        {
            throw new InvalidOperationException($"Call {call.CallSid} belongs to another tenant.");
        }

        try
        {
            var row = ToEntity(call);
            var added = await tables.Calls.AddEntityAsync(row, ct).ConfigureAwait(false);
            _rows.Remember(row, added);
            return (call, true);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            var existing = await GetAsync(call.TenantId, call.CallSid, ct).ConfigureAwait(false);
            return (existing ?? throw new InvalidOperationException($"Call {call.CallSid} vanished."), false);
        }
    }

    /// <summary>The tenant that owns a CallSid, or null for a call we never saw.</summary>
    public async Task<string?> FindTenantAsync(string callSid, CancellationToken ct = default)
    {
        if (_tenantOfCall.TryGetValue(callSid, out var known))
        {
            return known;
        }

        var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(callSid, IndexRow, cancellationToken: ct)
            .ConfigureAwait(false);
        var tenantId = found.HasValue ? found.Value?.GetString("TenantId") : null;
        if (tenantId is not null)
        {
            _tenantOfCall.Set(callSid, tenantId);
        }

        return tenantId;
    }

    /// <summary>
    /// Keeps a recording callback by CallSid, whether or not the call is known yet: callbacks arrive in any
    /// order, and the workflow looks here before it waits for the recording event.
    /// </summary>
    public Task ParkRecordingAsync(string callSid, RecordingReady recording, CancellationToken ct = default) =>
        tables.CallIndex.UpsertEntityAsync(
            new TableEntity(callSid, RecordingRow)
            {
                ["RecordingSid"] = recording.RecordingSid,
                ["RecordingUrl"] = recording.RecordingUrl,
                ["Status"] = recording.Status,
                ["DurationSeconds"] = recording.DurationSeconds,
                ["Channels"] = recording.Channels,
            },
            TableUpdateMode.Replace,
            ct);

    public async Task<RecordingReady?> GetParkedRecordingAsync(string callSid, CancellationToken ct = default)
    {
        var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(callSid, RecordingRow, cancellationToken: ct);
        return found.HasValue && found.Value is { } e
            ? new RecordingReady(e.GetString("RecordingSid") ?? "", e.GetString("RecordingUrl") ?? "", e.GetString("Status") ?? "", e.GetInt32("DurationSeconds"), e.GetInt32("Channels") ?? 1)
            : null;
    }

    /// <summary>The call as stored now.</summary>
    public async Task<CallLog?> GetAsync(string tenantId, string callSid, CancellationToken ct = default) =>
        await ReadRowAsync(tenantId, callSid, ct).ConfigureAwait(false) is { } row ? ToCall(row) : null;

    /// <summary>
    /// The call as this process last wrote or read it, read when it has no copy. For the fields that never
    /// change (direction, numbers, lead) or only move forward (status and its times, duration, the
    /// workflow's end); a copy may lag behind changes made by another instance.
    /// </summary>
    public async Task<CallLog?> GetLastKnownAsync(string tenantId, string callSid, CancellationToken ct = default) =>
        _rows.TryGet(tenantId, callSid) is { } row ? ToCall(row) : await GetAsync(tenantId, callSid, ct).ConfigureAwait(false);

    /// <summary>
    /// Changes one call under its ETag; <paramref name="change"/> mutates the call it is given and returns
    /// false when it changed nothing. Null when the tenant has no such call.
    /// </summary>
    public Task<CallLog?> UpdateAsync(string tenantId, string callSid, Func<CallLog, bool> change, CancellationToken ct = default) =>
        UpdateRowAsync(tenantId, callSid, change, fromLastKnown: false, ct);

    /// <summary>
    /// <see cref="UpdateAsync"/> for a change that only moves a call forward and reads only such fields (a
    /// status report): it starts from the last known row (<see cref="GetLastKnownAsync"/>) and writes under
    /// that row's ETag, so it costs one request, or none when nothing is to change. A change that finds
    /// nothing to do on an older copy finds nothing to do on the stored row either, as that row is the copy
    /// moved further forward; a change to write is always checked against the stored row by its ETag.
    /// </summary>
    public Task<CallLog?> UpdateForwardAsync(string tenantId, string callSid, Func<CallLog, bool> change, CancellationToken ct = default) =>
        UpdateRowAsync(tenantId, callSid, change, fromLastKnown: true, ct);

    /// <summary>
    /// Records that the call's media stream closed (the first close wins): from then on its voice webhook
    /// issues no token. False when the tenant has no such call.
    /// </summary>
    public async Task<bool> MarkStreamEndedAsync(string tenantId, string callSid, DateTimeOffset at, CancellationToken ct = default) =>
        await UpdateAsync(tenantId, callSid, c =>
        {
            if (c.StreamEndedAt is not null)
            {
                return false;
            }

            c.StreamEndedAt = at;
            return true;
        }, ct).ConfigureAwait(false) is not null;

    public async Task<IReadOnlyList<CallLog>> ListAsync(string tenantId, CancellationToken ct = default)
    {
        var result = new List<CallLog>();
        await foreach (var e in tables.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == tenantId, cancellationToken: ct)
            .ConfigureAwait(false))
        {
            result.Add(ToCall(e));
        }

        return result;
    }

    /// <summary>
    /// A page of the tenant's calls, filtered by creation time and lead. The filter runs inside the tenant's
    /// partition on the service, so a page never crosses tenants; order is by CallSid, not by time.
    /// </summary>
    public Task<Storage.Page<CallLog>> ListPageAsync(
        string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? leadId, string? continuation, int limit, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}");
        if (from is { } f)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CreatedAt ge {f}");
        }

        if (to is { } t)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CreatedAt lt {t}");
        }

        if (leadId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"LeadId eq {leadId}");
        }

        return Pages.ReadAsync(tables.Calls, filter, continuation, limit, ToCall, ct);
    }

    private Task<CallLog?> UpdateRowAsync(string tenantId, string callSid, Func<CallLog, bool> change, bool fromLastKnown, CancellationToken ct) =>
        OptimisticUpdate.RunAsync(tables.Calls, tenantId, callSid, ToCall, c => change(c) ? c : null, ToEntity, ct, _rows, startFromRemembered: fromLastKnown);

    private async Task<TableEntity?> ReadRowAsync(string tenantId, string callSid, CancellationToken ct)
    {
        var found = await tables.Calls.GetEntityIfExistsAsync<TableEntity>(tenantId, callSid, cancellationToken: ct)
            .ConfigureAwait(false);
        if (!found.HasValue || found.Value is not { } row)
        {
            return null;
        }

        _rows.Remember(row);
        return row;
    }

    private async Task<string?> IndexAsync(string callSid, string tenantId, CancellationToken ct)
    {
        try
        {
            await tables.CallIndex.AddEntityAsync(new TableEntity(callSid, IndexRow) { ["TenantId"] = tenantId }, ct)
                .ConfigureAwait(false);
            _tenantOfCall.Set(callSid, tenantId);
            return tenantId;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return await FindTenantAsync(callSid, ct).ConfigureAwait(false);
        }
    }

    private static TableEntity ToEntity(CallLog c)
    {
        var e = new TableEntity(c.TenantId, c.CallSid)
        {
            ["Direction"] = c.Direction.ToString(),
            ["From"] = c.From,
            ["To"] = c.To,
            ["LeadId"] = c.LeadId,
            ["Status"] = c.Status?.ToWire(),
            ["DurationSeconds"] = c.DurationSeconds,
            ["RecordingSid"] = c.RecordingSid,
            ["RecordingBlobPath"] = c.RecordingBlobPath,
            ["FinalTranscript"] = c.FinalTranscript,
            ["TranscriptSource"] = c.TranscriptSource.ToString(),
            ["TranscriptFailure"] = c.TranscriptFailure,
            ["Summary"] = c.Summary,
            ["CallerIntent"] = c.CallerIntent,
            ["FollowUp"] = c.FollowUp,
            ["WorkflowFinishedAt"] = c.WorkflowFinishedAt,
            ["StreamEndedAt"] = c.StreamEndedAt,
            ["CreatedAt"] = c.CreatedAt,
            ["PlacedBy"] = c.PlacedBy,
        };
        foreach (var (status, at) in c.StatusTimes)
        {
            e[StatusTimeColumn(status)] = at;
        }

        return e;
    }

    private static CallLog ToCall(TableEntity e)
    {
        var call = new CallLog
        {
            TenantId = e.PartitionKey,
            CallSid = e.RowKey,
            Direction = Enum.Parse<CallDirection>(e.GetString("Direction") ?? nameof(CallDirection.Inbound)),
            From = e.GetString("From") ?? "",
            To = e.GetString("To") ?? "",
            LeadId = e.GetString("LeadId"),
            Status = CallStatusNames.TryParse(e.GetString("Status"), out var s) ? s : null,
            DurationSeconds = e.GetInt32("DurationSeconds"),
            RecordingSid = e.GetString("RecordingSid"),
            RecordingBlobPath = e.GetString("RecordingBlobPath"),
            FinalTranscript = e.GetString("FinalTranscript"),
            TranscriptSource = Enum.TryParse<TranscriptSource>(e.GetString("TranscriptSource"), out var src) ? src : TranscriptSource.None,
            TranscriptFailure = e.GetString("TranscriptFailure"),
            Summary = e.GetString("Summary"),
            CallerIntent = e.GetString("CallerIntent"),
            FollowUp = e.GetString("FollowUp"),
            WorkflowFinishedAt = e.GetDateTimeOffset("WorkflowFinishedAt"),
            StreamEndedAt = e.GetDateTimeOffset("StreamEndedAt"),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
            PlacedBy = e.GetString("PlacedBy"),
        };
        foreach (var status in CallStatusNames.All)
        {
            if (e.GetDateTimeOffset(StatusTimeColumn(status)) is { } at)
            {
                call.StatusTimes[status] = at;
            }
        }

        return call;
    }

    // Property names must be identifiers, so the enum name, not the wire name ("in-progress").
    private static string StatusTimeColumn(CallStatus status) => "At" + status;
}
