using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Core.Workflow;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace CallCenter.Core.Calls;

/// <summary>
/// A call the API asked us to place; <see cref="CallSid"/> is known once Twilio accepted it.
/// <see cref="DialIntentAt"/> is written before the dial: a request that has it and no CallSid may have been
/// dialled by a run that crashed before it could write what Twilio answered.
/// </summary>
public sealed record OutboundCallRequest(
    string TenantId, string CallId, string To, string From, string? LeadId, string? CallSid, DateTimeOffset? DialIntentAt = null);

public static class OutboundCallNames
{
    public const string Orchestration = "OutboundCall";

    /// <summary>Carried in the webhook URLs we give Twilio, which signs them, so a callback can name its request.</summary>
    public const string QueryParameter = "outbound";

    public static string InstanceId(string callId) => "dial-" + callId;

    public static string NewCallId() => "OC" + Guid.NewGuid().ToString("N");

    public static bool IsCallId(string? id) => id is { Length: 34 } && id.StartsWith("OC", StringComparison.Ordinal) && id.AsSpan(2).ContainsAnyExcept("0123456789abcdef") == false;
}

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

/// <summary>
/// Validates an outbound call request and records it; the dial itself runs in the workflow. Under an
/// idempotency key the same request within the key's lifetime gives the call it first planned.
/// </summary>
public sealed class OutboundCallPlanner(LeadStore leads, OutboundCallStore requests, OutboundIdempotencyKeys keys)
{
    public async Task<(OutboundCallRequest? Request, IReadOnlyList<string> Errors, IdempotencyOutcome Outcome)> PlanAsync(
        Tenant tenant, string? to, string? leadId, string? from, string? idempotencyKey = null, CancellationToken ct = default)
    {
        var callId = OutboundCallNames.NewCallId();
        var outcome = IdempotencyOutcome.New;
        if (idempotencyKey is not null)
        {
            (callId, outcome) = await keys.ClaimAsync(tenant.Id, idempotencyKey, OutboundIdempotencyKeys.Fingerprint(to, leadId, from), callId, ct);
            if (outcome == IdempotencyOutcome.Mismatch)
            {
                return (null, ["this Idempotency-Key was used with a different request in the last 24 hours"], outcome);
            }

            // Planned before (a crash between the key and the request leaves only the key: plan it now).
            if (outcome == IdempotencyOutcome.Replay && await requests.GetAsync(callId, ct) is { } planned)
            {
                return (planned, [], outcome);
            }
        }

        var (request, errors) = await ValidateAsync(tenant, callId, to, leadId, from, ct);
        return (request is null ? null : await requests.AddAsync(request, ct), errors, outcome);
    }

    private async Task<(OutboundCallRequest? Request, IReadOnlyList<string> Errors)> ValidateAsync(
        Tenant tenant, string callId, string? to, string? leadId, string? from, CancellationToken ct)
    {
        var errors = new List<string>();
        Lead? lead = null;
        if (leadId is not null && (lead = await leads.GetAsync(tenant.Id, leadId, ct)) is null)
        {
            errors.Add("leadId names no lead of this tenant");
        }

        var number = to ?? lead?.Phone;
        if (!PhoneNumbers.IsE164(number))
        {
            errors.Add("give 'to' as an E.164 number, or a 'leadId' with a phone");
        }

        var caller = from ?? tenant.VoiceNumbers.FirstOrDefault();
        if (caller is null || !tenant.VoiceNumbers.Contains(caller))
        {
            errors.Add("'from' must be one of the tenant's voice numbers");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        lead ??= (await leads.GetOrCreateByPhoneAsync(tenant.Id, number!, LeadSources.OutboundCall, ct: ct)).Lead;
        return (new OutboundCallRequest(tenant.Id, callId, number!, caller!, lead.Id, null), []);
    }
}

/// <summary>
/// Places the call through Twilio's REST API (the only REST dial in the product) and records it. At most
/// once: a request that already has its CallSid is not dialled again, and the workflow does not retry a
/// dial. The intent is written before the dial, so a run repeated after a crash between Twilio's answer and
/// our write looks for the call Twilio already placed (<see cref="PlacedCallFinder"/>) instead of ringing
/// the lead again.
/// </summary>
public sealed class CallDialer(
    ITwilioRestClient twilio, OutboundCallStore requests, CallLogStore calls, PlacedCallFinder placed, IOptions<TwilioOptions> options, TimeProvider time)
{
    public async Task<string> DialAsync(string callId, CancellationToken ct = default)
    {
        var request = await requests.GetAsync(callId, ct) ?? throw new PermanentFailureException($"Outbound call {callId} is unknown.");
        if (request is { CallSid: null, DialIntentAt: { } intent }
            && await placed.FindAsync(request, intent, ct) is { } found)
        {
            request = await requests.ClaimAsync(callId, found, ct) ?? request;
        }

        if (request.CallSid is null)
        {
            if (options.Value.PublicBaseUrl is null)
            {
                throw new PermanentFailureException("Twilio:PublicBaseUrl is required to place calls.");
            }

            request = await requests.RecordDialIntentAsync(callId, time.GetUtcNow(), ct) ?? request;
            if (request.CallSid is null)
            {
                var query = $"?{OutboundCallNames.QueryParameter}={callId}";
                var call = await CallResource.CreateAsync(
                    to: new PhoneNumber(request.To),
                    from: new PhoneNumber(request.From),
                    url: options.Value.PublicUrl("api/twilio/voice" + query),
                    statusCallback: options.Value.PublicUrl("api/twilio/status" + query),
                    statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
                    client: twilio);

                // A status callback carrying this request's marker may have claimed the same CallSid first.
                request = await requests.ClaimAsync(callId, call.Sid, ct) ?? request with { CallSid = call.Sid };
            }
        }

        await calls.CreateIfMissingAsync(ToCallLog(request, time.GetUtcNow()), ct);
        return request.CallSid!;
    }

    /// <summary>The call log of a placed call: our number calls the lead.</summary>
    public static CallLog ToCallLog(OutboundCallRequest request, DateTimeOffset now) => new()
    {
        TenantId = request.TenantId,
        CallSid = request.CallSid!,
        Direction = CallDirection.Outbound,
        From = request.From,
        To = request.To,
        LeadId = request.LeadId,
        CreatedAt = now,
    };
}
