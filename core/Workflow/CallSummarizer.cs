using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Faults;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Workflow;

/// <summary>Summarizes a finished call into the CRM: the call's summary and intent, and the lead's fields.</summary>
public sealed class CallSummarizer(TenantCache tenants, CallLogStore calls, LeadStore leads, ICallSummaryModel model)
{
    /// <summary>The workflow's own step (<see cref="SummarizeCall"/>): the call as stored now, summarized and written.</summary>
    public async Task<bool> SummarizeAsync(CallRef input, CancellationToken ct = default)
    {
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        var (summarized, change) = await SummarizeAsync(call, ct);

        // Under the ETag of the row read above: a row changed meanwhile is read again.
        if (change is not null)
        {
            await calls.UpdateForwardAsync(input.TenantId, input.CallSid, change, ct);
        }

        return summarized;
    }

    /// <summary>
    /// Summarizes <paramref name="call"/> (a copy read by this run) and updates its lead, without writing the call:
    /// the change to its row is returned, for the caller to write before any other effect that is not idempotent.
    /// A call that has a summary is not summarized again; one without a transcript is not summarized (false).
    /// </summary>
    public async Task<(bool Summarized, Func<CallLog, bool>? Change)> SummarizeAsync(CallLog call, CancellationToken ct = default)
    {
        if (call.Summary is not null)
        {
            return (true, null);
        }

        if (string.IsNullOrWhiteSpace(call.FinalTranscript))
        {
            return (false, null);
        }

        var tenant = await tenants.GetAsync(call.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {call.TenantId} is gone.");
        var summary = await model.SummarizeAsync(call.FinalTranscript, tenant.Language, ct);

        // The lead first, keyed by the CallSid in its notes, so a retry after a crash changes it only once. A summary
        // that says nothing about the lead changes nothing there: no read, no write.
        var status = summary.LeadStatus is { } s && LeadStatuses.All.Contains(s) ? s : null;
        if (call.LeadId is { } leadId && (!string.IsNullOrWhiteSpace(summary.LeadName) || status is not null || summary.FollowUp is not null))
        {
            var marker = $"[{call.CallSid}]";
            await leads.UpdateAsync(call.TenantId, leadId, lead => lead with
            {
                Name = string.IsNullOrWhiteSpace(lead.Name) ? summary.LeadName : lead.Name,
                Status = status ?? lead.Status,
                Notes = summary.FollowUp is null || lead.Notes?.Contains(marker, StringComparison.Ordinal) == true
                    ? lead.Notes
                    : $"{lead.Notes}{(string.IsNullOrEmpty(lead.Notes) ? "" : "\n")}{marker} {summary.FollowUp}",
            }, ct);
        }

        return (true, c =>
        {
            // A summary already stored (a run racing this one) is kept: the lead was changed once for it.
            if (c.Summary is not null)
            {
                return false;
            }

            c.Summary = summary.Summary;
            c.CallerIntent = summary.CallerIntent;
            c.FollowUp = summary.FollowUp;
            c.SummaryUsage = summary.Usage;
            return true;
        });
    }
}
