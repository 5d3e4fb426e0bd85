using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Workflow;

namespace CallCenter.Core.Storage;

/// <summary>
/// Call logs in their tenant's partition (row key = CallSid), plus the CallSid index that finds a call's
/// tenant when only the CallSid is known (status and recording callbacks, the media bridge).
/// </summary>
public sealed class CallLogStore(CallCenterTables tables)
{
    private const string IndexRow = "call";
    private const string RecordingRow = "recording";

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
            await tables.Calls.AddEntityAsync(ToEntity(call), ct).ConfigureAwait(false);
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
        var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(callSid, IndexRow, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value?.GetString("TenantId") : null;
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

    public async Task<CallLog?> GetAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var found = await tables.Calls.GetEntityIfExistsAsync<TableEntity>(tenantId, callSid, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue && found.Value is not null ? ToCall(found.Value) : null;
    }

    /// <summary>
    /// Changes one call under its ETag; <paramref name="change"/> mutates the call it is given and returns
    /// false when it changed nothing. Null when the tenant has no such call.
    /// </summary>
    public Task<CallLog?> UpdateAsync(string tenantId, string callSid, Func<CallLog, bool> change, CancellationToken ct = default) =>
        OptimisticUpdate.RunAsync(tables.Calls, tenantId, callSid, ToCall, c => change(c) ? c : null, ToEntity, ct);

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
    public Task<Page<CallLog>> ListPageAsync(
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

    private async Task<string?> IndexAsync(string callSid, string tenantId, CancellationToken ct)
    {
        try
        {
            await tables.CallIndex.AddEntityAsync(new TableEntity(callSid, IndexRow) { ["TenantId"] = tenantId }, ct)
                .ConfigureAwait(false);
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
            ["CreatedAt"] = c.CreatedAt,
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
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
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
