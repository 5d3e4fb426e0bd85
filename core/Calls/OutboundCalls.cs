using Azure.Data.Tables;
using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Core.Workflow;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace CallCenter.Core.Calls;

/// <summary>A call the API asked us to place; <see cref="CallSid"/> is known once Twilio accepted it.</summary>
public sealed record OutboundCallRequest(string TenantId, string CallId, string To, string From, string? LeadId, string? CallSid);

public static class OutboundCallNames
{
    public const string Orchestration = "OutboundCall";
    public const string Dial = "DialCall";

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

    public Task SaveAsync(OutboundCallRequest r, CancellationToken ct = default) =>
        tables.CallIndex.UpsertEntityAsync(
            new TableEntity(r.CallId, Row) { ["TenantId"] = r.TenantId, ["To"] = r.To, ["From"] = r.From, ["LeadId"] = r.LeadId, ["CallSid"] = r.CallSid },
            TableUpdateMode.Replace,
            ct);

    public async Task<OutboundCallRequest?> GetAsync(string callId, CancellationToken ct = default)
    {
        if (!OutboundCallNames.IsCallId(callId))
        {
            return null;
        }

        var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(callId, Row, cancellationToken: ct);
        return found.HasValue && found.Value is { } e
            ? new OutboundCallRequest(e.GetString("TenantId")!, callId, e.GetString("To")!, e.GetString("From")!, e.GetString("LeadId"), e.GetString("CallSid"))
            : null;
    }
}

/// <summary>Validates an outbound call request and records it; the dial itself runs in the workflow.</summary>
public sealed class OutboundCallPlanner(LeadStore leads, OutboundCallStore requests)
{
    public async Task<(OutboundCallRequest? Request, IReadOnlyList<string> Errors)> PlanAsync(
        Tenant tenant, string? to, string? leadId, string? from, CancellationToken ct = default)
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
        var request = new OutboundCallRequest(tenant.Id, OutboundCallNames.NewCallId(), number!, caller!, lead.Id, null);
        await requests.SaveAsync(request, ct);
        return (request, []);
    }
}

/// <summary>
/// Places the call through Twilio's REST API (the only REST dial in the product) and records it. At most
/// once: a request that already has its CallSid is not dialled again, and the workflow does not retry a dial.
/// </summary>
public sealed class CallDialer(ITwilioRestClient twilio, OutboundCallStore requests, CallLogStore calls, IOptions<TwilioOptions> options, TimeProvider time)
{
    public async Task<string> DialAsync(string callId, CancellationToken ct = default)
    {
        var request = await requests.GetAsync(callId, ct) ?? throw new PermanentFailureException($"Outbound call {callId} is unknown.");
        if (request.CallSid is null)
        {
            var publicBase = options.Value.PublicBaseUrl ?? throw new PermanentFailureException("Twilio:PublicBaseUrl is required to place calls.");
            var query = $"?{OutboundCallNames.QueryParameter}={callId}";
            var call = await CallResource.CreateAsync(
                to: new PhoneNumber(request.To),
                from: new PhoneNumber(request.From),
                url: new Uri(publicBase, "/api/twilio/voice" + query),
                statusCallback: new Uri(publicBase, "/api/twilio/status" + query),
                statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
                client: twilio);
            request = request with { CallSid = call.Sid };
            await requests.SaveAsync(request, ct);
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

/// <summary>The outbound call workflow: one dial, never retried (a second dial would ring the lead twice).</summary>
public static class OutboundCallWorkflow
{
    public static Task<string> RunAsync(TaskOrchestrationContext context, string callId) =>
        context.CallActivityAsync<string>(OutboundCallNames.Dial, callId);
}
