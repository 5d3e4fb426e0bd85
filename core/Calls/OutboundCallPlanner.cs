using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Calls;

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
