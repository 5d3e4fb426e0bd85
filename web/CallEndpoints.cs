using System.Globalization;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CallCenter.Web;

/// <summary>A tenant's calls: listed by date or lead, and one call with its turns, summary and links.</summary>
public static class CallEndpoints
{
    private const string Listing = "calls";

    public static async Task<IResult> ListAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var (limit, continuation, pagingError) = CrmAccess.Paging(request, tenant.Id, Listing);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var errors = new List<string>();
        var from = Date(request, "from", errors);
        var to = Date(request, "to", errors);
        var leadId = request.Query["leadId"].ToString() is { Length: > 0 } l ? l : null;
        if (leadId is not null && !LeadEndpoints.IsLeadId(leadId))
        {
            errors.Add("leadId is not a lead id");
        }

        if (from > to)
        {
            errors.Add("from must not be after to");
        }

        if (errors.Count > 0)
        {
            return CrmAccess.Invalid(errors);
        }

        var store = request.Service<CallLogStore>();
        return await CrmAccess.PageAsync(request, tenant.Id, Listing, () => store.ListPageAsync(tenant.Id, from, to, leadId, continuation, limit, request.Aborted()), Summary);
    }

    public static async Task<IResult> GetAsync(HttpRequest request, string tenantId, string callId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("callId", callId)) is { } bad)
        {
            return bad;
        }

        var valid = callId.Length is > 2 and <= 64 && callId.All(char.IsAsciiLetterOrDigit);
        var call = valid ? await request.Service<CallLogStore>().GetAsync(tenant.Id, callId, request.Aborted()) : null;
        if (call is null)
        {
            return CrmAccess.NotFound();
        }

        var turns = await request.Service<TurnStore>().ListAsync(tenant.Id, callId, request.Aborted());
        var basePath = $"/api/tenants/{tenant.Id}/calls/{call.CallSid}";
        return CrmAccess.Ok(new
        {
            call = Summary(call),
            transcript = call.FinalTranscript,
            transcriptSource = call.TranscriptSource.ToString().ToLowerInvariant(),
            transcriptFailure = call.TranscriptFailure,
            summary = call.Summary,
            callerIntent = call.CallerIntent,
            followUp = call.FollowUp,
            statusTimes = call.StatusTimes.ToDictionary(p => p.Key.ToWire(), p => p.Value),
            turns = turns.Select(t => new { sequence = t.Sequence, role = t.Role.ToString().ToLowerInvariant(), text = t.Text, offsetMs = (long)t.Offset.TotalMilliseconds }).ToList(),
            links = new { recording = basePath + "/recording", workflow = basePath + "/workflow" },
        });
    }

    public sealed record PlaceCallBody(string? To, string? LeadId, string? From);

    /// <summary>
    /// Places an outbound call: 202 with our call id at once; the Twilio dial runs in a workflow activity. An
    /// <c>Idempotency-Key</c> makes a retry within 24 hours answer the same call (202, no second dial); the
    /// same key with another body gets 422, as the IETF Idempotency-Key draft has it for a reused key.
    /// </summary>
    public static async Task<IResult> PlaceAsync(HttpRequest request, string tenantId, DurableTaskClient durable)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var key = request.Headers[OutboundIdempotencyKeys.HeaderName] is { Count: > 0 } header ? header.ToString() : null;
        if (key is not null && !OutboundIdempotencyKeys.IsValid(key))
        {
            return CrmAccess.Invalid("Idempotency-Key must be 1 to 255 visible ASCII characters");
        }

        var (body, bodyError) = await CrmAccess.ReadJsonAsync<PlaceCallBody>(request);
        if (body is null)
        {
            return bodyError!;
        }

        if (CrmAccess.BadIds(("leadId", body.LeadId)) is { } bad)
        {
            return bad;
        }

        var (planned, errors, outcome) = await request.Service<OutboundCallPlanner>().PlanAsync(tenant, body.To, body.LeadId, body.From, key, request.Aborted());
        if (outcome == IdempotencyOutcome.Mismatch)
        {
            return Results.Problem(statusCode: 422, title: "Idempotency-Key reused", detail: errors[0]);
        }

        if (planned is null)
        {
            return CrmAccess.Invalid(errors);
        }

        // Started once whatever the retries: a replay after a crash before this line starts it now.
        await durable.StartOnceAsync(OutboundCallNames.Orchestration, OutboundCallNames.InstanceId(planned.CallId), planned.CallId, request.Aborted());
        return Results.Json(new { id = planned.CallId, to = planned.To, from = planned.From, leadId = planned.LeadId, status = "queued" }, CrmAccess.Json, statusCode: 202);
    }

    /// <summary>A read-only link to the call's recording, valid 15 minutes at most.</summary>
    public static async Task<IResult> RecordingLinkAsync(HttpRequest request, string tenantId, string callId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("callId", callId)) is { } bad)
        {
            return bad;
        }

        var call = await request.Service<CallLogStore>().GetAsync(tenant.Id, callId, request.Aborted());
        var now = request.Service<TimeProvider>().GetUtcNow();
        var link = call?.RecordingBlobPath is { } path
            ? await request.Service<RecordingStore>().GetReadLinkAsync(tenant.Id, path, RecordingStore.MaxLinkLifetime, now, request.Aborted())
            : null;
        return link is null ? CrmAccess.NotFound() : CrmAccess.Ok(new { url = link, expiresAt = now.Add(RecordingStore.MaxLinkLifetime) });
    }

    /// <summary>The call's orchestration as support staff need it: status, times, output or failure.</summary>
    public static async Task<IResult> WorkflowAsync(HttpRequest request, string tenantId, string callId, DurableTaskClient durable)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        if (CrmAccess.BadIds(("callId", callId)) is { } bad)
        {
            return bad;
        }

        var call = await request.Service<CallLogStore>().GetAsync(tenant.Id, callId, request.Aborted());
        var instance = call is null ? null : await durable.GetInstanceAsync(CallWorkflowNames.InstanceId(call.CallSid), getInputsAndOutputs: true, request.Aborted());
        return instance is null
            ? CrmAccess.NotFound()
            : CrmAccess.Ok(new
            {
                instanceId = instance.InstanceId,
                status = instance.RuntimeStatus.ToString(),
                createdAt = instance.CreatedAt,
                lastUpdatedAt = instance.LastUpdatedAt,
                output = instance.SerializedOutput,
                failure = instance.FailureDetails?.ErrorMessage,
            });
    }

    private static object Summary(CallLog c) => new
    {
        id = c.CallSid,
        direction = c.Direction.ToString().ToLowerInvariant(),
        from = c.From,
        to = c.To,
        leadId = c.LeadId,
        status = c.Status?.ToWire(),
        durationSeconds = c.DurationSeconds,
        hasRecording = c.RecordingBlobPath is not null,
        transcriptSource = c.TranscriptSource.ToString().ToLowerInvariant(),
        createdAt = c.CreatedAt,
    };

    private static DateTimeOffset? Date(HttpRequest request, string name, List<string> errors)
    {
        if (request.Query[name].ToString() is not { Length: > 0 } raw)
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
