using System.Globalization;
using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;

namespace CallCenter.Core.Calls;

/// <summary>
/// Finds the call a Twilio webhook speaks of, creating it (and linking its lead) the first time any webhook
/// of an inbound call arrives. The tenant comes from the called number or the CallSid index, never from the form.
/// </summary>
public sealed class CallRegistry(TenantCache tenants, LeadStore leads, CallLogStore calls, OutboundCallStore outbound, TimeProvider time)
{
    /// <summary>Reads the fields every call webhook carries; null with a reason when they are unusable.</summary>
    public (CallWebhookFields? Fields, string? Error) Parse(TwilioWebhook webhook)
    {
        if (webhook["CallSid"] is not { } callSid || !TwilioSids.IsCallSid(callSid))
        {
            return (null, "CallSid is missing or malformed");
        }

        CallStatus? status = null;
        if (webhook["CallStatus"] is { } wire)
        {
            if (!CallStatusNames.TryParse(wire, out var parsed))
            {
                return (null, $"unknown CallStatus '{wire}'");
            }

            status = parsed;
        }

        var direction = webhook["Direction"]?.StartsWith("outbound", StringComparison.Ordinal) == true
            ? CallDirection.Outbound
            : CallDirection.Inbound;
        var at = ParseTimestamp(webhook["Timestamp"]) ?? time.GetUtcNow();
        return (new CallWebhookFields(callSid, webhook["From"] ?? "", webhook["To"] ?? "", direction, status, at), null);
    }

    /// <summary>
    /// The tenant and call of a webhook. An inbound call we have not seen is created with the reported status;
    /// a known call is returned as last known (<see cref="CallLogStore.GetLastKnownAsync"/>). Null when no
    /// tenant owns the call. <paramref name="firstExpected"/> (the voice webhook, almost always its call's first):
    /// an inbound call is inserted at once and the insert's conflict is the lookup, one request fewer than reading
    /// the CallSid index first.
    /// </summary>
    public async Task<(Tenant Tenant, CallLog Call, bool Created)?> FindOrCreateAsync(
        CallWebhookFields f, CancellationToken ct, string? outboundCallId = null, bool firstExpected = false)
    {
        if (firstExpected && f.Direction == CallDirection.Inbound && await tenants.FindByVoiceNumberAsync(f.To, ct) is { } called)
        {
            try
            {
                return await CreateInboundAsync(called, f, ct);
            }
            catch (InvalidOperationException)
            {
                // The CallSid is another tenant's (its number moved meanwhile): found below, as any known call.
            }
        }

        if (await calls.FindTenantAsync(f.CallSid, ct) is { } tenantId)
        {
            var tenant = await tenants.GetAsync(tenantId, ct);
            var known = await calls.GetLastKnownAsync(tenantId, f.CallSid, ct);
            if (tenant is not null && known is not null)
            {
                return (tenant, known, false);
            }
        }

        if (f.Direction == CallDirection.Outbound)
        {
            return await CreateOutboundAsync(f, outboundCallId, ct);
        }

        return await tenants.FindByVoiceNumberAsync(f.To, ct) is { } owner ? await CreateInboundAsync(owner, f, ct) : null;
    }

    /// <summary>An inbound call, created unless it exists (then the stored one), with the caller's lead linked.</summary>
    private async Task<(Tenant, CallLog, bool)> CreateInboundAsync(Tenant owner, CallWebhookFields f, CancellationToken ct)
    {
        var lead = PhoneNumbers.IsE164(f.From)
            ? await leads.GetOrCreateIdByPhoneAsync(owner.Id, f.From, LeadSources.InboundCall, ct)
            : null;
        var call = new CallLog
        {
            TenantId = owner.Id,
            CallSid = f.CallSid,
            Direction = CallDirection.Inbound,
            From = f.From,
            To = f.To,
            LeadId = lead,
            CreatedAt = time.GetUtcNow(),
        };
        if (f.Status is { } status)
        {
            CallStatusMachine.Apply(call, status, f.At);
        }

        var (stored, created) = await calls.CreateIfMissingAsync(call, ct);
        return (owner, stored, created);
    }

    /// <summary>
    /// A placed call whose callback came before the dial step recorded it: the request named in the signed
    /// callback URL says whose it is.
    /// </summary>
    private async Task<(Tenant, CallLog, bool)?> CreateOutboundAsync(CallWebhookFields f, string? outboundCallId, CancellationToken ct)
    {
        if (outboundCallId is null || await outbound.GetAsync(outboundCallId, ct) is not { } request
            || await tenants.GetAsync(request.TenantId, ct) is not { } tenant)
        {
            return null;
        }

        // The callback names its request by the marker in its signed URL: this claim tells a dial run repeated
        // after a crash that Twilio placed this call for it.
        await outbound.ClaimAsync(request.CallId, f.CallSid, ct);
        var call = CallDialer.ToCallLog(request with { CallSid = f.CallSid }, time.GetUtcNow());
        if (f.Status is { } status)
        {
            CallStatusMachine.Apply(call, status, f.At);
        }

        var (stored, created) = await calls.CreateIfMissingAsync(call, ct);
        return (tenant, stored, created);
    }

    /// <summary>The outbound request id in a webhook's URL, if any.</summary>
    public static string? OutboundCallId(TwilioWebhook webhook) =>
        Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url)
            ? System.Web.HttpUtility.ParseQueryString(url.Query)[OutboundCallNames.QueryParameter]
            : null;

    /// <summary>Twilio's Timestamp is RFC 2822 ("Tue, 25 Nov 2026 12:00:00 +0000").</summary>
    internal static DateTimeOffset? ParseTimestamp(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && TableKeys.IsStorableDate(at) ? at : null;
}
