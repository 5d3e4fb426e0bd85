using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Faults;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Workflow;

/// <summary>The workflow's first and last steps: what to wait for, marking the call finished, and saying so.</summary>
public sealed class CallWorkflowSteps(TenantCache tenants, CallLogStore calls, ILiveEvents live, TimeProvider time)
{
    /// <summary>
    /// What the workflow waits for: made by the webhook that starts it (the end known) or, for an instance of the
    /// earlier shape, by its first step. A parked recording is looked for only where the workflow would wait for one.
    /// </summary>
    public Task<CallPlan> PlanAsync(CallRef call, CallEnded? ended = null, CancellationToken ct = default) => PlanAsync(call, ended, null, ct);

    /// <summary><see cref="PlanAsync(CallRef, CallEnded?, CancellationToken)"/> with the recording in hand (the recording callback's): no parked row is read.</summary>
    public async Task<CallPlan> PlanAsync(CallRef call, CallEnded? ended, RecordingReady? recording, CancellationToken ct)
    {
        // The tenant's recording settings as the webhooks see them; the call's direction and numbers never change.
        var tenant = await tenants.GetAsync(call.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {call.TenantId} is gone.");
        var log = await calls.GetLastKnownAsync(call.TenantId, call.CallSid, ct) ?? throw new PermanentFailureException($"Call {call.CallSid} is gone.");
        var tenantNumber = log.Direction == CallDirection.Inbound ? log.To : log.From;
        var records = tenant.Records(tenantNumber);
        var parked = records && CallWorkflow.WaitsForRecording(ended) ? recording ?? await calls.GetParkedRecordingAsync(call.CallSid, ct) : null;
        return new CallPlan(records, tenant.DeleteRecordingFromTwilio, parked);
    }

    /// <summary>After this, callbacks for the call no longer start or signal its workflow.</summary>
    /// <remarks>From the last known row: the mark only moves forward, so a copy that has it means the row has it.</remarks>
    public Task FinishAsync(CallRef call) => calls.UpdateForwardAsync(call.TenantId, call.CallSid, MarkFinished());

    /// <summary>The row's change that marks the workflow finished, once (a row that has the mark keeps its time).</summary>
    public Func<CallLog, bool> MarkFinished()
    {
        var now = time.GetUtcNow();
        return c =>
        {
            if (c.WorkflowFinishedAt is not null)
            {
                return false;
            }

            c.WorkflowFinishedAt = now;
            return true;
        };
    }

    /// <summary>Call-finished to the tenant's dashboards, carrying the summary; sent at least once.</summary>
    public async Task PublishFinishedAsync(CallRef call, CancellationToken ct = default)
    {
        var log = await calls.GetAsync(call.TenantId, call.CallSid, ct);
        await PublishFinishedAsync(call, log?.Summary, ct);
    }

    /// <summary>Call-finished with the summary the caller holds (no read of the call).</summary>
    public Task PublishFinishedAsync(CallRef call, string? summary, CancellationToken ct = default) =>
        live.PublishAsync(call.TenantId, [new LiveEvent(call.CallSid, LiveEventKind.CallFinished, null, summary, 0, time.GetUtcNow())], ct);
}
