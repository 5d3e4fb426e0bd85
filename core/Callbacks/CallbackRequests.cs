using System.Globalization;
using System.Text.RegularExpressions;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Callbacks;

/// <summary>
/// Validates a callback request (from the CRM API, the voice agent or the WhatsApp agent) and stores it once per
/// (lead, due time), with the time it will ring moved into the tenant's calling hours. Starting its orchestration
/// is the caller's (the API starts it at once; a call's requests are started when the call ends).
/// </summary>
public sealed partial class CallbackRequests(LeadStore leads, CallbackStore store, TimeProvider time)
{
    public const int MaxReasonLength = 500;

    /// <summary>Far enough for "call me after the holidays"; a durable timer waits as long.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(365);

    public async Task<(Callback? Callback, IReadOnlyList<string> Errors, bool Created)> RequestAsync(
        Tenant tenant, string? leadId, string? at, string? reason, string source, string? requestedByCallSid = null, CancellationToken ct = default)
    {
        var errors = new List<string>();
        var now = time.GetUtcNow();
        DateTimeOffset due = default;
        if (at is null || !WithOffset().IsMatch(at)
            || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out due))
        {
            errors.Add("at must be an ISO 8601 date and time with an offset, such as 2026-12-03T09:00:00+02:00");
        }
        else if (due <= now || due - now > MaxAhead)
        {
            errors.Add($"at must be in the future, at most {MaxAhead.TotalDays} days ahead");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            errors.Add($"reason must be at most {MaxReasonLength} characters");
        }

        var lead = leadId is null ? null : await leads.GetAsync(tenant.Id, leadId, ct).ConfigureAwait(false);
        if (lead is null)
        {
            errors.Add("leadId names no lead of this tenant");
        }

        if (errors.Count > 0)
        {
            return (null, errors, false);
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var callback = new Callback
        {
            TenantId = tenant.Id,
            Id = CallbackIds.Of(tenant.Id, lead!.Id, due),
            LeadId = lead.Id,
            Phone = lead.Phone,
            RequestedAt = now,
            DueAt = due.ToUniversalTime(),
            ScheduledFor = (tenant.CallingHours?.NextOpen(due, zone) ?? due).ToUniversalTime(),
            Reason = reason,
            Source = source,
            RequestedByCallSid = requestedByCallSid,
        };
        var (stored, created) = await store.CreateIfMissingAsync(callback, ct).ConfigureAwait(false);
        return (stored, [], created);
    }

    // An explicit offset (Z or ±hh:mm) after a time: a bare local time would be read in the server's zone.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex WithOffset();
}
