using System.Globalization;
using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Callbacks;

/// <summary>
/// What happens when a callback's time comes, and its cancel. The status moves from <c>scheduled</c> once, under
/// the row's ETag: to <c>cancelled</c> (the API), to <c>skipped</c> (the lead was called since it was asked for),
/// or to <c>dialed</c> with the outbound request planned under the callback's idempotency key. A cancel racing
/// the dial therefore either wins (the call is never placed) or gets a conflict (it was placed).
/// </summary>
public sealed class CallbackDialer(CallbackStore store, TenantCache tenants, CallLogStore calls, OutboundCallPlanner planner)
{
    // A lead gets a handful of calls a day: the first page of calls since the request holds any that reached them.
    private const int CallsScanned = 50;

    public async Task<CallbackDecision> DecideAsync(CallbackRef input, CancellationToken ct = default)
    {
        var callback = await store.GetAsync(input.TenantId, input.CallbackId, ct).ConfigureAwait(false)
            ?? throw new PermanentFailureException($"Callback {input.CallbackId} is gone.");
        if (callback.Status != CallbackStatuses.Scheduled)
        {
            // Cancelled, or decided by an earlier run of this step: the same answer again.
            return Decision(callback);
        }

        if (await CallSinceAsync(callback, ct).ConfigureAwait(false) is { } reached)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"the lead was called since the callback was requested: {reached.Direction.ToString().ToLowerInvariant()} call {reached.CallSid} at {reached.CreatedAt:O}");
            return Decision(await SettleAsync(callback, c => c with { Status = CallbackStatuses.Skipped, StatusReason = reason }, ct).ConfigureAwait(false));
        }

        var tenant = await tenants.GetAsync(callback.TenantId, ct).ConfigureAwait(false)
            ?? throw new PermanentFailureException($"Tenant {callback.TenantId} is gone.");
        var (request, errors, _) = await planner.PlanAsync(
            tenant, null, callback.LeadId, null, CallbackWorkflowNames.IdempotencyKey(callback.Id), ct).ConfigureAwait(false);
        if (request is null)
        {
            var reason = "the call could not be placed: " + string.Join("; ", errors);
            return Decision(await SettleAsync(callback, c => c with { Status = CallbackStatuses.Skipped, StatusReason = reason }, ct).ConfigureAwait(false));
        }

        // A cancel that landed after the plan wins here: the planned request is never dialled.
        return Decision(await SettleAsync(callback, c => c with { Status = CallbackStatuses.Dialed, OutboundCallId = request.CallId, StatusReason = null }, ct).ConfigureAwait(false));
    }

    /// <summary>Records the placed call's CallSid, or why the dial failed.</summary>
    public Task RecordCallAsync(CallbackCall call, CancellationToken ct = default)
    {
        var failure = call.Failure is null ? null : "the dial failed: " + call.Failure;
        return store.UpdateAsync(call.TenantId, call.CallbackId, c =>
            c.CallId is not null ? null
            : call.CallSid is not null ? c with { CallId = call.CallSid }
            : failure != c.StatusReason ? c with { StatusReason = failure } : null, ct);
    }

    /// <summary>
    /// Cancels a scheduled callback (a repeated cancel answers the cancelled callback again). Null when the tenant
    /// has no such callback; <c>Conflict</c> when it was dialed or skipped already.
    /// </summary>
    public async Task<(Callback? Callback, bool Conflict)> CancelAsync(string tenantId, string callbackId, CancellationToken ct = default)
    {
        var stored = await store.UpdateAsync(tenantId, callbackId, c => c.Status == CallbackStatuses.Scheduled
            ? c with { Status = CallbackStatuses.Cancelled, StatusReason = "cancelled" }
            : null, ct).ConfigureAwait(false);
        return stored is null ? (null, false) : (stored, stored.Status != CallbackStatuses.Cancelled);
    }

    private async Task<Callback> SettleAsync(Callback callback, Func<Callback, Callback> settle, CancellationToken ct) =>
        await store.UpdateAsync(callback.TenantId, callback.Id, c => c.Status == CallbackStatuses.Scheduled ? settle(c) : null, ct).ConfigureAwait(false)
            ?? throw new PermanentFailureException($"Callback {callback.Id} is gone.");

    /// <summary>A call with the lead since the callback was asked for that was not a failed attempt (busy, no answer, failed, canceled).</summary>
    private async Task<CallLog?> CallSinceAsync(Callback callback, CancellationToken ct)
    {
        var page = await calls.ListPageAsync(callback.TenantId, callback.RequestedAt, null, callback.LeadId, null, CallsScanned, ct).ConfigureAwait(false);
        return page.Items
            .Where(c => c.CallSid != callback.RequestedByCallSid && c.Status is not (CallStatus.Busy or CallStatus.NoAnswer or CallStatus.Failed or CallStatus.Canceled))
            .OrderBy(c => c.CreatedAt)
            .FirstOrDefault();
    }

    private static CallbackDecision Decision(Callback c) => new(c.Status, c.OutboundCallId, c.StatusReason);
}
