using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>
/// Call logs in their tenant's partition (row key = CallSid), plus the CallSid index that finds a call's
/// tenant when only the CallSid is known (status and recording callbacks, the media bridge).
/// </summary>
/// <remarks>
/// Beside each call row, in the same partition, a date index row (<c>~date|{inverted ticks of
/// CreatedAt:D19}|{CallSid}</c>) holds the call's fields that never change, so calls list newest first across
/// pages. It is added in one entity-group transaction with the call, so a call never exists without its index
/// row, and a repeated create adds neither. Call rows are CallSids (letters and digits), so every index row
/// sorts after them: a scan of a Calls partition for calls bounds its row keys below <c>~</c>.
/// </remarks>
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
    /// that another tenant already holds is refused, and leaves no row under this tenant.
    /// </summary>
    /// <remarks>
    /// The CallSid's claim and the call's rows go out together, so the voice answer waits one storage round trip,
    /// not two. The claim still decides: when it names another tenant, or fails, the rows this tenant just got are
    /// removed before the refusal. A crash between the two leaves rows no claim backs (an orphan): they never see a
    /// status callback, which finds the call by its claim, and the open-call sweep drops them
    /// (<see cref="DropIfUnclaimedAsync"/>).
    /// </remarks>
    public async Task<(CallLog Call, bool Created)> CreateIfMissingAsync(CallLog call, CancellationToken ct = default)
    {
        var claim = IndexAsync(call.CallSid, call.TenantId, ct);
        var rows = AddRowsAsync(call, ct);
        try
        {
            await Task.WhenAll(claim, rows).ConfigureAwait(false);
        }
        catch when (!claim.IsCompletedSuccessfully && rows.IsCompletedSuccessfully && rows.Result)
        {
            await RemoveRowsAsync(call, ct).ConfigureAwait(false);
            throw;
        }

        if (claim.Result != call.TenantId)
        {
            // Ours just now, or an orphan of an earlier attempt: either way the claim is not this tenant's.
            if ((rows.Result ? call : await GetAsync(call.TenantId, call.CallSid, ct).ConfigureAwait(false)) is { } unclaimed)
            {
                await RemoveRowsAsync(unclaimed, ct).ConfigureAwait(false);
            }

            throw new InvalidOperationException($"Call {call.CallSid} belongs to another tenant.");
        }

        if (rows.Result)
        {
            return (call, true);
        }

        var existing = await GetAsync(call.TenantId, call.CallSid, ct).ConfigureAwait(false);
        return (existing ?? throw new InvalidOperationException($"Call {call.CallSid} vanished."), false);
    }

    /// <summary>
    /// Removes a call whose CallSid's claim names no tenant or another one (see <see cref="CreateIfMissingAsync"/>);
    /// true when it did. One read of the claim, unless this process knows it.
    /// </summary>
    public async Task<bool> DropIfUnclaimedAsync(CallLog call, CancellationToken ct = default)
    {
        if (await FindTenantAsync(call.CallSid, ct).ConfigureAwait(false) == call.TenantId)
        {
            return false;
        }

        await RemoveRowsAsync(call, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The call's row with its date index and open rows, in one transaction; false when it exists already.</summary>
    private async Task<bool> AddRowsAsync(CallLog call, CancellationToken ct)
    {
        try
        {
            var row = ToEntity(call);
            List<TableTransactionAction> actions =
            [
                new TableTransactionAction(TableTransactionActionType.Add, row),
                new TableTransactionAction(TableTransactionActionType.Add, ToDateIndexEntity(call)),
            ];
            if (call.WorkflowFinishedAt is null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, ToOpenEntity(call)));
            }

            var added = await tables.Calls.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            _rows.Remember(row, added.Value[0]);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }

    /// <summary>The call's rows, each deleted on its own: a row already gone (an open row the sweep closed) is no error.</summary>
    private async Task RemoveRowsAsync(CallLog call, CancellationToken ct)
    {
        _rows.Forget(call.TenantId, call.CallSid);
        foreach (var key in new[] { call.CallSid, ToDateIndexEntity(call).RowKey, ToOpenEntity(call).RowKey })
        {
            await DeleteIfPresentAsync(call.TenantId, key, ct).ConfigureAwait(false);
        }
    }

    private async Task DeleteIfPresentAsync(string tenantId, string rowKey, CancellationToken ct)
    {
        try
        {
            await tables.Calls.DeleteEntityAsync(tenantId, rowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // Gone already.
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
        await foreach (var e in tables.Calls.QueryAsync<TableEntity>(CallRows(tenantId), cancellationToken: ct)
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
        var filter = CallRows(tenantId);
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

    /// <summary>The tenant's calls that started before <paramref name="before"/> (filtered on the service, inside the tenant's partition).</summary>
    public async IAsyncEnumerable<CallLog> ListStartedBeforeAsync(string tenantId, DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and CreatedAt lt {before}");
        await foreach (var e in tables.Calls.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            yield return ToCall(e);
        }
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
            ["TransferTarget"] = c.Transfer?.Target,
            ["TransferReason"] = c.Transfer?.Reason,
            ["TransferSummary"] = c.Transfer?.Summary,
            ["TransferRequestedAt"] = c.Transfer?.RequestedAt,
            ["TransferOutcome"] = c.Transfer?.Outcome,
            ["TransferEndedAt"] = c.Transfer?.EndedAt,
            ["AnsweredBy"] = c.AnsweredBy,
            ["RecordingDeletedAt"] = c.RecordingDeletedAt,
            ["TranscriptDeletedAt"] = c.TranscriptDeletedAt,
            ["PlacedBy"] = c.PlacedBy,
        };
        AddMetricColumns(e, c);
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
            Transfer = e.GetString("TransferOutcome") is { } outcome
                ? new CallTransfer(e.GetString("TransferTarget") ?? "", e.GetString("TransferReason") ?? "", e.GetString("TransferSummary") ?? "",
                    e.GetDateTimeOffset("TransferRequestedAt") ?? default, outcome, e.GetDateTimeOffset("TransferEndedAt"))
                : null,
            AnsweredBy = e.GetString("AnsweredBy"),
            RecordingDeletedAt = e.GetDateTimeOffset("RecordingDeletedAt"),
            TranscriptDeletedAt = e.GetDateTimeOffset("TranscriptDeletedAt"),
            PlacedBy = e.GetString("PlacedBy"),
        };
        ReadMetricColumns(e, call);
        foreach (var status in CallStatusNames.All)
        {
            if (e.GetDateTimeOffset(StatusTimeColumn(status)) is { } at)
            {
                call.StatusTimes[status] = at;
            }
        }

        return call;
    }

    /// <summary>
    /// Records the call's transfer, pending, unless it has one already (a call is transferred at most once).
    /// The stored call, or null when the tenant has no such call; its <see cref="CallLog.Transfer"/> is the first one.
    /// </summary>
    public Task<CallLog?> RecordTransferAsync(string tenantId, string callSid, CallTransfer transfer, CancellationToken ct = default) =>
        UpdateAsync(tenantId, callSid, c =>
        {
            if (c.Transfer is not null)
            {
                return false;
            }

            c.Transfer = transfer;
            return true;
        }, ct);

    /// <summary>
    /// Records a pending transfer's outcome once: a later report (Twilio retrying its Dial action) changes
    /// nothing. The stored call; null when the tenant has no such call.
    /// </summary>
    public Task<CallLog?> RecordTransferOutcomeAsync(string tenantId, string callSid, string outcome, DateTimeOffset at, CancellationToken ct = default) =>
        UpdateAsync(tenantId, callSid, c =>
        {
            if (c.Transfer is not { IsPending: true } pending)
            {
                return false;
            }

            c.Transfer = pending with { Outcome = outcome, EndedAt = at };
            return true;
        }, ct);

    // Property names must be identifiers, so the enum name, not the wire name ("in-progress").
    private static string StatusTimeColumn(CallStatus status) => "At" + status;

    // The date index: row keys sort newest first; '}' follows '|', so it ends the index's range.
    private const string DateIndexPrefix = "~date|";
    private const string DateIndexEnd = "~date}";
    private const string CallRowsEnd = "~";
    private const string DateIndexMarkerRow = "~meta|date-index";
    private const int ParallelReads = 16;

    // The tenant's call rows: its index and marker rows start with '~', after every CallSid.
    private static string CallRows(string tenantId) => TableFilters.Before(tenantId, CallRowsEnd);

    private readonly BoundedMemo<string, bool> _dateIndexed = new(MaxRemembered, StringComparer.Ordinal);

    /// <summary>
    /// A page of the tenant's calls, newest first across pages: the date index read on the service (the date
    /// range as a row-key range; direction, number and lead as filters), then the current call rows of the page,
    /// of which a status filter keeps those in that status. A page is <paramref name="limit"/> index rows, so
    /// with a status filter it may hold fewer calls, even none, and still have a continuation.
    /// </summary>
    public async Task<Storage.Page<CallLog>> ListNewestFirstAsync(
        string tenantId, CallListFilter filter, string? continuation, int limit, CancellationToken ct = default)
    {
        await EnsureDateIndexAsync(tenantId, ct).ConfigureAwait(false);

        // Newer is smaller: CreatedAt < To is a key from To's inverted ticks + 1 on; CreatedAt >= From a key
        // below From's inverted ticks + 1.
        var lower = filter.To is { } to ? DateIndexPrefix + (InvertedTicks(to) + 1).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) : DateIndexPrefix;
        var upper = filter.From is { } from ? DateIndexPrefix + (InvertedTicks(from) + 1).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) : DateIndexEnd;
        var query = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {lower} and RowKey lt {upper}");
        if (filter.Direction is { } direction)
        {
            query += " and " + TableClient.CreateQueryFilter($"Direction eq {direction.ToString()}");
        }

        if (filter.Phone is { } phone)
        {
            query += " and " + TableClient.CreateQueryFilter($"(From eq {phone} or To eq {phone})");
        }

        if (filter.LeadId is { } leadId)
        {
            query += " and " + TableClient.CreateQueryFilter($"LeadId eq {leadId}");
        }

        var page = await Pages.ReadAsync(tables.Calls, query, continuation, limit, e => e.GetString("CallSid") ?? "", ct).ConfigureAwait(false);
        var rows = new TableEntity?[page.Items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, rows.Length),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = ct },
            async (i, token) => rows[i] = await ReadRowAsync(tenantId, page.Items[i], token).ConfigureAwait(false)).ConfigureAwait(false);

        var calls = rows.OfType<TableEntity>().Select(ToCall)
            .Where(c => filter.Status is not { } status || c.Status == status)
            .ToList();
        return new Storage.Page<CallLog>(calls, page.Continuation);
    }

    /// <summary>
    /// Adds the date index rows of calls created before the index existed, once per tenant: a marker row says
    /// it is done, and this process remembers it. Idempotent: an index row holds only fields that never change,
    /// so writing it again stores the same row, and a call created meanwhile already has its own.
    /// </summary>
    public async Task<int> EnsureDateIndexAsync(string tenantId, CancellationToken ct = default)
    {
        if (_dateIndexed.TryGetValue(tenantId, out _))
        {
            return 0;
        }

        var marker = await tables.Calls.GetEntityIfExistsAsync<TableEntity>(tenantId, DateIndexMarkerRow, cancellationToken: ct).ConfigureAwait(false);
        var added = 0;
        if (!marker.HasValue)
        {
            var batch = new List<TableTransactionAction>();
            var calls = tables.Calls.QueryAsync<TableEntity>(
                CallRows(tenantId),
                select: ["PartitionKey", "RowKey", "Direction", "From", "To", "LeadId", "CreatedAt"],
                cancellationToken: ct);
            await foreach (var row in calls.ConfigureAwait(false))
            {
                batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToDateIndexEntity(ToCall(row))));
                added++;
                if (batch.Count == 100)
                {
                    await tables.Calls.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await tables.Calls.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
            }

            await tables.Calls.UpsertEntityAsync(new TableEntity(tenantId, DateIndexMarkerRow), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }

        _dateIndexed.Set(tenantId, true);
        return added;
    }

    private static long InvertedTicks(DateTimeOffset at) => DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks;

    private static TableEntity ToDateIndexEntity(CallLog c) =>
        new(c.TenantId, $"{DateIndexPrefix}{InvertedTicks(c.CreatedAt).ToString("D19", System.Globalization.CultureInfo.InvariantCulture)}|{c.CallSid}")
        {
            ["CallSid"] = c.CallSid,
            ["Direction"] = c.Direction.ToString(),
            ["From"] = c.From,
            ["To"] = c.To,
            ["LeadId"] = c.LeadId,
            ["CreatedAt"] = c.CreatedAt,
        };

    /// <summary>
    /// Stores the bridge's latencies and Realtime usage of a call once: the first stream to end writes them and
    /// a later one changes nothing (a call has one stream, <c>StreamBindings</c>; this keeps a second from counting twice).
    /// False when the figures were already there or the tenant has no such call.
    /// </summary>
    public async Task<bool> RecordBridgeMeasurementsAsync(string tenantId, string callSid, CallLatency? latency, RealtimeUsage? usage, CancellationToken ct = default)
    {
        var wrote = false;
        await UpdateAsync(tenantId, callSid, c =>
        {
            if (c.Latency is not null || c.RealtimeUsage is not null || (latency is null && usage is null))
            {
                return false;
            }

            c.Latency = latency;
            c.RealtimeUsage = usage;
            wrote = true;
            return true;
        }, ct).ConfigureAwait(false);
        return wrote;
    }

    // The figures are JSON columns: read whole with the call and never queried by field (analytics read the day rows).
    private static void AddMetricColumns(TableEntity e, CallLog c)
    {
        e["LatencyJson"] = MetricJson.Write(c.Latency);
        e["RealtimeUsageJson"] = MetricJson.Write(c.RealtimeUsage);
        e["TranscriptionUsageJson"] = MetricJson.Write(c.TranscriptionUsage);
        e["SummaryUsageJson"] = MetricJson.Write(c.SummaryUsage);
        e["RecordingSeconds"] = c.RecordingSeconds;
        e["CostJson"] = MetricJson.Write(c.Cost);
        e["Outcome"] = c.Outcome;
    }

    private static void ReadMetricColumns(TableEntity e, CallLog c)
    {
        c.Latency = MetricJson.Read<CallLatency>(e.GetString("LatencyJson"));
        c.RealtimeUsage = MetricJson.Read<RealtimeUsage>(e.GetString("RealtimeUsageJson"));
        c.TranscriptionUsage = MetricJson.Read<ModelUsage>(e.GetString("TranscriptionUsageJson"));
        c.SummaryUsage = MetricJson.Read<ModelUsage>(e.GetString("SummaryUsageJson"));
        c.RecordingSeconds = e.GetInt32("RecordingSeconds");
        c.Cost = MetricJson.Read<CallCost>(e.GetString("CostJson"));
        c.Outcome = e.GetString("Outcome");
    }

    private const string OpenPrefix = "~open|";

    /// <summary>
    /// The tenant's open calls (created, their workflow not known to have finished) created before
    /// <paramref name="before"/>, oldest first: one row-key range of the partition, so one request per 1,000.
    /// </summary>
    /// <remarks>
    /// An open row (<c>~open|{CreatedAt ticks:D19}|{CallSid}</c>) is added with the call, in the call's own
    /// transaction (no request of its own), and removed by the open-call sweep once the call's workflow has
    /// started or finished (<see cref="CloseOpenAsync"/>). It holds nothing but its key, so it never matches a
    /// query on the call's columns.
    /// </remarks>
    public async Task<IReadOnlyList<OpenCallRow>> ListOpenAsync(string tenantId, DateTimeOffset before, CancellationToken ct = default)
    {
        var end = OpenPrefix + Ticks(before);
        var rows = new List<OpenCallRow>();
        await foreach (var e in tables.Calls.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {OpenPrefix} and RowKey lt {end}"), select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            var parts = e.RowKey.Split('|');
            if (parts.Length == 3 && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks))
            {
                rows.Add(new OpenCallRow(parts[2], new DateTimeOffset(ticks, TimeSpan.Zero), e.RowKey));
            }
        }

        return rows;
    }

    /// <summary>Removes open rows, up to 100 in one transaction (one request); a row already gone is no error.</summary>
    public async Task CloseOpenAsync(string tenantId, IReadOnlyList<OpenCallRow> rows, CancellationToken ct = default)
    {
        foreach (var chunk in rows.Chunk(100))
        {
            try
            {
                await tables.Calls.SubmitTransactionAsync(
                    chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(tenantId, r.RowKey), ETag.All)), ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException)
            {
                // Another sweep removed one of them (which fails the whole transaction): each on its own.
                foreach (var r in chunk)
                {
                    await DeleteIfPresentAsync(tenantId, r.RowKey, ct).ConfigureAwait(false);
                }
            }
        }
    }

    private static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static TableEntity ToOpenEntity(CallLog c) => new(c.TenantId, $"{OpenPrefix}{Ticks(c.CreatedAt)}|{c.CallSid}");
}
