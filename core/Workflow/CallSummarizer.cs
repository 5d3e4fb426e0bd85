using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Faults;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Workflow;

/// <summary>Summarizes a finished call into the CRM: the call's summary and intent, and the lead's fields.</summary>
public sealed class CallSummarizer(TenantCache tenants, CallLogStore calls, LeadStore leads, ICallSummaryModel model)
{
    public async Task<bool> SummarizeAsync(CallRef input, CancellationToken ct = default)
    {
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        if (call.Summary is not null)
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(call.FinalTranscript))
        {
            return false;
        }

        var tenant = await tenants.GetAsync(input.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {input.TenantId} is gone.");
        var summary = await model.SummarizeAsync(call.FinalTranscript, tenant.Language, ct);

        // The lead first, keyed by the CallSid in its notes, so a retry after a crash changes it only once.
        if (call.LeadId is { } leadId)
        {
            var marker = $"[{call.CallSid}]";
            await leads.UpdateAsync(input.TenantId, leadId, lead => lead with
            {
                Name = string.IsNullOrWhiteSpace(lead.Name) ? summary.LeadName : lead.Name,
                Status = summary.LeadStatus is { } s && LeadStatuses.All.Contains(s) ? s : lead.Status,
                Notes = summary.FollowUp is null || lead.Notes?.Contains(marker, StringComparison.Ordinal) == true
                    ? lead.Notes
                    : $"{lead.Notes}{(string.IsNullOrEmpty(lead.Notes) ? "" : "\n")}{marker} {summary.FollowUp}",
            }, ct);
        }

        // Under the ETag of the row read above: a row changed meanwhile is read again.
        await calls.UpdateForwardAsync(input.TenantId, input.CallSid, c =>
        {
            c.Summary = summary.Summary;
            c.CallerIntent = summary.CallerIntent;
            c.FollowUp = summary.FollowUp;
            c.SummaryUsage = summary.Usage;
            return true;
        }, ct);
        return true;
    }
}
