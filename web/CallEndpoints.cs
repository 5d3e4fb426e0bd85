using System.Globalization;
using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;

namespace CallCenter.Web;

/// <summary>A tenant's calls: listed newest first (by date, direction, number, lead, status), and one call with its turns, summary and links.</summary>
public static class CallEndpoints
{
    private const string Listing = "calls";

    public static async Task<Results<CrmOk<CrmPage<CallSummaryView>>, BadRequestProblem>> ListAsync(TenantScope scope, CallLogStore store, ContinuationTokens tokens)
    {
        var (limit, continuation, pagingError) = CrmAccess.Paging(scope, tokens, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var errors = new List<string>();
        var from = Date(scope, "from", errors);
        var to = Date(scope, "to", errors);
        var leadId = scope.Request.Query["leadId"].ToString() is { Length: > 0 } l ? l : null;
        if (leadId is not null && !LeadEndpoints.IsLeadId(leadId))
        {
            errors.Add("leadId is not a lead id");
        }

        if (from > to)
        {
            errors.Add("from must not be after to");
        }

        CallStatus? status = null;
        if (Query(scope, "status") is { } statusText)
        {
            if (CallStatusNames.TryParse(statusText, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors.Add("status must be one of " + string.Join(", ", CallStatusNames.All.Select(c => c.ToWire())));
            }
        }

        CallDirection? direction = Query(scope, "direction") switch
        {
            null => null,
            "inbound" => CallDirection.Inbound,
            "outbound" => CallDirection.Outbound,
            _ => null,
        };
        if (direction is null && Query(scope, "direction") is not null)
        {
            errors.Add("direction must be inbound or outbound");
        }

        // A '+' sent unencoded in a query string arrives as a space.
        var phone = Query(scope, "phone") is { } p && p.StartsWith(' ') ? "+" + p[1..] : Query(scope, "phone");
        if (phone is not null && !PhoneNumbers.IsE164(phone))
        {
            errors.Add("phone must be an E.164 number (+ and 7 to 15 digits)");
        }

        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var filter = new CallListFilter(from, to, direction, phone, leadId, status);
        var page = await store.ListNewestFirstAsync(scope.Tenant.Id, filter, continuation, limit, scope.Aborted);
        return CrmAccess.Page(scope, tokens, Listing, page, CallSummaryView.Of);
    }

    public static async Task<Results<CrmOk<CallView>, BadRequestProblem, NotFoundProblem>> GetAsync(TenantScope scope, string callId, CallLogStore calls, TurnStore turns)
    {
        if (CrmAccess.BadIds(("callId", callId)) is { } bad)
        {
            return bad;
        }

        var tenantId = scope.Tenant.Id;
        var valid = callId.Length is > 2 and <= 64 && callId.All(char.IsAsciiLetterOrDigit);
        var call = valid ? await calls.GetAsync(tenantId, callId, scope.Aborted) : null;
        if (call is null)
        {
            return new NotFoundProblem();
        }

        var said = await turns.ListAsync(tenantId, callId, scope.Aborted);
        return new CrmOk<CallView>(CallView.Of(call, said, $"/api/tenants/{tenantId}/calls/{call.CallSid}"));
    }

    public sealed record PlaceCallBody(string? To, string? LeadId, string? From);

    /// <summary>
    /// Places an outbound call: 202 with our call id at once; the Twilio dial runs in a workflow activity. An
    /// <c>Idempotency-Key</c> makes a retry within 24 hours answer the same call (202, no second dial); the
    /// same key with another body gets 422, as the IETF Idempotency-Key draft has it for a reused key.
    /// </summary>
    public static async Task<Results<CrmAccepted<PlacedCallView>, BadRequestProblem, UnprocessableProblem, BodyRefusal>> PlaceAsync(
        TenantScope scope, CrmBody<PlaceCallBody> request, OutboundCallPlanner planner, DurableTaskClient durable)
    {
        var key = scope.Request.Headers[OutboundIdempotencyKeys.HeaderName] is { Count: > 0 } header ? header.ToString() : null;
        if (key is not null && !OutboundIdempotencyKeys.IsValid(key))
        {
            return CrmAccess.Invalid("Idempotency-Key must be 1 to 255 visible ASCII characters");
        }

        var (body, refusal) = await request.ReadAsync();
        if (body is null)
        {
            return refusal!;
        }

        if (CrmAccess.BadIds(("leadId", body.LeadId)) is { } bad)
        {
            return bad;
        }

        var (planned, errors, outcome) = await planner.PlanAsync(scope.Tenant, body.To, body.LeadId, body.From, key, scope.Aborted);
        if (outcome == IdempotencyOutcome.Mismatch)
        {
            return new UnprocessableProblem("Idempotency-Key reused", errors[0]);
        }

        if (planned is null)
        {
            return CrmAccess.Invalid(errors);
        }

        // Started once whatever the retries: a replay after a crash before this line starts it now.
        await durable.StartOnceAsync(OutboundCallNames.Orchestration, OutboundCallNames.InstanceId(planned.CallId), planned.CallId, scope.Aborted);
        return new CrmAccepted<PlacedCallView>(new PlacedCallView(planned.CallId, planned.To, planned.From, planned.LeadId, "queued"));
    }

    /// <summary>A read-only link to the call's recording, valid 15 minutes at most.</summary>
    public static async Task<Results<CrmOk<RecordingLinkView>, BadRequestProblem, NotFoundProblem, GoneProblem>> RecordingLinkAsync(
        TenantScope scope, string callId, CallLogStore calls, RecordingStore recordings, TimeProvider time)
    {
        if (CrmAccess.BadIds(("callId", callId)) is { } bad)
        {
            return bad;
        }

        var call = await calls.GetAsync(scope.Tenant.Id, callId, scope.Aborted);
        if (call?.RecordingDeletedAt is { } deletedAt)
        {
            return new GoneProblem(
                $"The recording was deleted on {deletedAt:yyyy-MM-dd} under the tenant's retention of {scope.Tenant.RecordingRetentionDays} days.");
        }

        var now = time.GetUtcNow();
        var link = call?.RecordingBlobPath is { } path
            ? await recordings.GetReadLinkAsync(scope.Tenant.Id, path, RecordingStore.MaxLinkLifetime, now, scope.Aborted)
            : null;
        return link is null ? new NotFoundProblem() : new CrmOk<RecordingLinkView>(new RecordingLinkView(link, now.Add(RecordingStore.MaxLinkLifetime)));
    }

    /// <summary>
    /// The call's orchestration as support staff need it: status, times, output or failure. Until an outbound call
    /// has a workflow of its own, the orchestration that placed it (the API's dial or a callback's); any other call
    /// without one yet (live, or its end not reported) is <c>NotStarted</c>.
    /// </summary>
    public static async Task<Results<CrmOk<WorkflowView>, BadRequestProblem, NotFoundProblem>> WorkflowAsync(
        TenantScope scope, string callId, CallLogStore calls, DurableTaskClient durable)
    {
        if (CrmAccess.BadIds(("callId", callId)) is { } bad)
        {
            return bad;
        }

        var call = await calls.GetAsync(scope.Tenant.Id, callId, scope.Aborted);
        var instance = call is null ? null : await durable.GetInstanceAsync(CallWorkflowNames.InstanceId(call.CallSid), getInputsAndOutputs: true, scope.Aborted);

        // An outbound call placed and not yet answered or ended has no workflow of its own: show the one that placed it.
        if (instance is null && call?.PlacedBy is { } placedBy)
        {
            instance = await durable.GetInstanceAsync(placedBy, getInputsAndOutputs: true, scope.Aborted);
        }

        if (instance is not null)
        {
            return new CrmOk<WorkflowView>(WorkflowView.Of(instance));
        }

        // A call's workflow starts when Twilio reports its end: until then the call is shown as not started.
        return call is null ? new NotFoundProblem() : new CrmOk<WorkflowView>(WorkflowView.NotStarted(CallWorkflowNames.InstanceId(call.CallSid), call.CreatedAt));
    }

    private static string? Query(TenantScope scope, string name) =>
        scope.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    private static DateTimeOffset? Date(TenantScope scope, string name, List<string> errors)
    {
        if (scope.Request.Query[name].ToString() is not { Length: > 0 } raw)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && TableKeys.IsStorableDate(at))
        {
            return at.ToUniversalTime();
        }

        errors.Add($"{name} must be an ISO 8601 date or time, from {TableKeys.MinDate.Year} on");
        return null;
    }
}
