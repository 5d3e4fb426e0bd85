using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>Outbound call requests, kept by our call id (a global index like the CallSid index).</summary>
public sealed class OutboundCallStore(CallCenterTables tables)
{
    private const string Row = "outbound";

    /// <summary>
    /// Adds a new request and returns the stored one: a request is written once, then only claimed and
    /// dialled, so a concurrent retry under the same idempotency key cannot undo what the dial wrote.
    /// </summary>
    public async Task<OutboundCallRequest> AddAsync(OutboundCallRequest r, CancellationToken ct = default)
    {
        try
        {
            await tables.CallIndex.AddEntityAsync(ToEntity(r), ct).ConfigureAwait(false);
            return r;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return await GetAsync(r.CallId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"Outbound call {r.CallId} vanished.");
        }
    }

    /// <summary>
    /// Records the intent to dial now, unless the request already has its CallSid; returns the stored request.
    /// Conditional on the row's ETag, so it never hides a CallSid a callback claimed meanwhile.
    /// </summary>
    public Task<OutboundCallRequest?> RecordDialIntentAsync(string callId, DateTimeOffset at, CancellationToken ct = default) =>
        ChangeAsync(callId, r => r.CallSid is null ? r with { DialIntentAt = at } : null, ct);

    /// <summary>Gives the request its CallSid unless it has one; returns the stored request (the first claim wins).</summary>
    public Task<OutboundCallRequest?> ClaimAsync(string callId, string callSid, CancellationToken ct = default) =>
        ChangeAsync(callId, r => r.CallSid is null ? r with { CallSid = callSid } : null, ct);

    public async Task<OutboundCallRequest?> GetAsync(string callId, CancellationToken ct = default)
    {
        if (!OutboundCallNames.IsCallId(callId))
        {
            return null;
        }

        var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(callId, Row, cancellationToken: ct);
        return found.HasValue && found.Value is { } e ? ToRequest(e) : null;
    }

    private Task<OutboundCallRequest?> ChangeAsync(string callId, Func<OutboundCallRequest, OutboundCallRequest?> change, CancellationToken ct) =>
        OutboundCallNames.IsCallId(callId)
            ? OptimisticUpdate.RunAsync(tables.CallIndex, callId, Row, ToRequest, change, ToEntity, ct)
            : Task.FromResult<OutboundCallRequest?>(null);

    private static TableEntity ToEntity(OutboundCallRequest r) => new(r.CallId, Row)
    {
        ["TenantId"] = r.TenantId, ["To"] = r.To, ["From"] = r.From, ["LeadId"] = r.LeadId, ["CallSid"] = r.CallSid, ["DialIntentAt"] = r.DialIntentAt,
    };

    private static OutboundCallRequest ToRequest(TableEntity e) => new(
        e.GetString("TenantId")!, e.PartitionKey, e.GetString("To")!, e.GetString("From")!, e.GetString("LeadId"), e.GetString("CallSid"), e.GetDateTimeOffset("DialIntentAt"));
}
