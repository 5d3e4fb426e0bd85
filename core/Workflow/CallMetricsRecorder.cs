using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The workflow's numbers of a finished call: its Twilio minutes, its cost by the price table (with the table's
/// version), its outcome, and its share of the tenant's day. The call is priced once (a replay finds the cost and
/// keeps it, so a later table never re-prices it) and the day counts it once (<see cref="CallStatsStore.AddOnceAsync"/>).
/// The local run's demo calls go through here too.
/// </summary>
public sealed class CallMetricsRecorder(TenantCache tenants, CallLogStore calls, CallStatsStore stats, IOptions<PricingOptions> pricing)
{
    /// <summary>True when this run added the call to its day; false when an earlier run had.</summary>
    public async Task<bool> RecordAsync(CallMetricsInput input, CancellationToken ct = default)
    {
        var tenant = await tenants.GetAsync(input.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {input.TenantId} is gone.");
        // From the last known row: a cost is set once, so a copy that has one means the row has it, and a price
        // made from an older copy is written under its ETag, so it is made again from the row if that moved on.
        var call = await calls.UpdateForwardAsync(input.TenantId, input.CallSid, PriceOnce(input.RecordingSeconds), ct)
            ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");

        // From the stored call: a replay after a crash between the two writes adds the same figures.
        return await AddToDayAsync(tenant, call, ct);
    }

    /// <summary>The row's change that prices the call, once: a call that has a cost keeps it (and its table's version).</summary>
    public Func<CallLog, bool> PriceOnce(int? recordingSeconds)
    {
        var table = pricing.Value;
        return c =>
        {
            if (c.Cost is not null)
            {
                return false;
            }

            c.RecordingSeconds ??= recordingSeconds;
            // An outcome set before (the demo seed's, or one a step learned) is kept.
            c.Outcome ??= CallOutcomes.Of(c);
            c.Cost = CallPricing.Price(c, table);
            return true;
        };
    }

    /// <summary>Adds the priced call, as stored, to its tenant's day in the tenant's time zone, once (<see cref="CallStatsStore.AddOnceAsync"/>).</summary>
    public Task<bool> AddToDayAsync(Tenant tenant, CallLog call, CancellationToken ct = default)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        return stats.AddOnceAsync(tenant.Id, CallStatsEntry.Of(call, zone), ct);
    }
}
