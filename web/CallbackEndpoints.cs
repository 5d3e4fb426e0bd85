using CallCenter.Core.Auth;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;

namespace CallCenter.Web;

/// <summary>A tenant's callbacks: schedule one for a lead, list, read, cancel.</summary>
public static class CallbackEndpoints
{
    private const string Listing = "callbacks";

    public sealed record CallbackBody(string? LeadId, string? At, string? Reason);

    /// <summary>
    /// 201 with the callback, its orchestration started. The same lead and time again is the same callback: the
    /// answer repeats it (201, nothing new is stored or started).
    /// </summary>
    public static async Task<Results<CrmCreated<CallbackView>, BadRequestProblem, BodyRefusal>> CreateAsync(
        TenantScope scope, CrmBody<CallbackBody> request, CallbackRequests callbacks, DurableTaskClient durable)
    {
        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        if (CrmAccess.BadIds(("leadId", body.LeadId)) is { } bad)
        {
            return bad;
        }

        var (callback, errors, _) = await callbacks.RequestAsync(scope.Tenant, body.LeadId, body.At, body.Reason, CallbackSources.Api, ct: scope.Aborted);
        if (callback is null)
        {
            return CrmAccess.Invalid(errors);
        }

        // Started once whatever the retries: a repeat after a crash before this line starts it now.
        await durable.StartAsync(callback, scope.Aborted);
        return new CrmCreated<CallbackView>($"/api/tenants/{scope.Tenant.Id}/callbacks/{callback.Id}", CallbackView.Of(callback));
    }

    /// <summary>A page of the tenant's callbacks, optionally of one ?status=.</summary>
    public static async Task<Results<CrmOk<CrmPage<CallbackView>>, BadRequestProblem>> ListAsync(TenantScope scope, CallbackStore store, ContinuationTokens tokens)
    {
        var (limit, continuation, pagingError) = CrmAccess.Paging(scope, tokens, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var status = scope.Request.Query["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !CallbackStatuses.All.Contains(status))
        {
            return CrmAccess.Invalid($"status must be one of {string.Join(", ", CallbackStatuses.All)}");
        }

        var page = await store.ListPageAsync(scope.Tenant.Id, status, continuation, limit, scope.Aborted);
        return CrmAccess.Page(scope, tokens, Listing, page, CallbackView.Of);
    }

    public static async Task<Results<CrmOk<CallbackView>, BadRequestProblem, NotFoundProblem>> GetAsync(TenantScope scope, string callbackId, CallbackStore store)
    {
        if (CrmAccess.BadIds(("callbackId", callbackId)) is { } bad)
        {
            return bad;
        }

        var callback = await store.GetAsync(scope.Tenant.Id, callbackId, scope.Aborted);
        return callback is null ? new NotFoundProblem() : new CrmOk<CallbackView>(CallbackView.Of(callback));
    }

    /// <summary>200 with the cancelled callback (again on a repeat); 409 once it was dialed or skipped.</summary>
    public static async Task<Results<CrmOk<CallbackView>, BadRequestProblem, NotFoundProblem, ConflictProblem>> CancelAsync(
        TenantScope scope, string callbackId, CallbackDialer dialer, DurableTaskClient durable)
    {
        if (CrmAccess.BadIds(("callbackId", callbackId)) is { } bad)
        {
            return bad;
        }

        var (callback, conflict) = await dialer.CancelAsync(scope.Tenant.Id, callbackId, scope.Aborted);
        if (callback is null)
        {
            return new NotFoundProblem();
        }

        if (conflict)
        {
            return new ConflictProblem($"the callback is {callback.Status} already");
        }

        // The row decides (the orchestration reads it at its time); the event only ends the wait early.
        await durable.SignalCancelledAsync(callback, scope.Aborted);
        return new CrmOk<CallbackView>(CallbackView.Of(callback));
    }
}
