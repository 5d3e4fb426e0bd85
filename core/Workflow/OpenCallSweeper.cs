using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Leaves no call without its workflow. The workflow starts at the last of the call's end and its recording, so a
/// recording that never comes, or an end Twilio never reports (or a start lost to a crash), would leave it
/// unstarted: every few minutes (a timer in both hosts) this looks at each tenant's open calls old enough to matter
/// and starts what is due, with what is known, under the one start rule.
/// </summary>
/// <remarks>
/// Storage per sweep: the tenant list (one query), then per tenant one range query of its open rows created before
/// now − <see cref="CallWorkflowTimings.RecordingTimeout"/> (one request per 1,000 rows); per open call found, one
/// point read of the call (and of its CallSid's claim before a start), and, once its workflow is known started or
/// finished, its share of one delete transaction (100 rows a request). So each call costs about one read and a
/// hundredth of a write, once, well after it ended; a call still waiting is read again at each sweep until it is due.
/// Engine requests only for a call it starts.
/// </remarks>
public sealed partial class OpenCallSweeper(
    TenantStore tenants,
    CallLogStore calls,
    CallWorkflowSignals signals,
    IOptions<CallWorkflowOptions> options,
    TimeProvider time,
    ILogger<OpenCallSweeper> logger)
{
    /// <summary>One sweep of every tenant; returns how many workflows it started.</summary>
    public async Task<int> SweepAsync(DurableTaskClient client, CancellationToken ct = default)
    {
        var started = 0;
        foreach (var tenant in await tenants.ListAsync(ct))
        {
            started += await SweepTenantAsync(client, tenant.Id, ct);
        }

        if (started > 0)
        {
            Started(logger, started);
        }

        return started;
    }

    /// <summary>One sweep of one tenant's open calls; returns how many workflows it started.</summary>
    public async Task<int> SweepTenantAsync(DurableTaskClient client, string tenantId, CancellationToken ct = default)
    {
        var timings = options.Value.Timings;
        var now = time.GetUtcNow();
        var workflows = signals.For(client);
        var started = 0;
        var closed = new List<OpenCallRow>();
        foreach (var row in await calls.ListOpenAsync(tenantId, now - timings.RecordingTimeout, ct))
        {
            var (close, start) = await SweepCallAsync(workflows, tenantId, row, timings, now, ct);
            started += start ? 1 : 0;
            if (close)
            {
                closed.Add(row);
            }
        }

        await calls.CloseOpenAsync(tenantId, closed, ct);
        return started;
    }

    /// <returns>Close: the call needs the sweep no more. Start: this sweep started its workflow.</returns>
    private async Task<(bool Close, bool Start)> SweepCallAsync(
        DurableCallWorkflowSignals workflows, string tenantId, OpenCallRow row, CallWorkflowTimings timings, DateTimeOffset now, CancellationToken ct)
    {
        var call = await calls.GetAsync(tenantId, row.CallSid, ct);
        if (call is null || call.WorkflowFinishedAt is not null)
        {
            return (true, false);
        }

        CallEnded? ended = null;
        if (call.Status is { } status && status.IsTerminal())
        {
            ended = new CallEnded(status.ToWire(), call.DurationSeconds);
            var endedAt = call.StatusTimes.TryGetValue(status, out var at) ? at : call.CreatedAt;
            if (endedAt + timings.RecordingTimeout > now)
            {
                // The recording may still come: left to its callback (or the next sweep) while that wait lasts.
                return (false, false);
            }
        }
        else if (call.CreatedAt + timings.CallEndTimeout > now)
        {
            // Still live, as far as anyone knows: Twilio's own bound on a call's length is the same.
            return (false, false);
        }

        if (await calls.DropIfUnclaimedAsync(call, ct))
        {
            // Rows a torn create left under a tenant its CallSid's claim does not name: never a call of this tenant.
            DroppedUnclaimed(logger, row.CallSid, tenantId);
            return (true, false);
        }

        if (ended is null)
        {
            EndUnknown(logger, row.CallSid, tenantId);
        }

        // Started anyway (by the end, the recording or an earlier sweep): the start rule finds it and starts nothing.
        var start = await workflows.StartSweptAsync(tenantId, row.CallSid, ended, ct);
        if (start)
        {
            StartedOne(logger, row.CallSid, tenantId, ended?.Status ?? "unknown");
        }

        return (true, start);
    }

    [LoggerMessage(2101, LogLevel.Information, "Open-call sweep: {Count} call workflows started")]
    private static partial void Started(ILogger logger, int count);

    [LoggerMessage(2102, LogLevel.Warning, "Open-call sweep: call {CallSid} of tenant {TenantId} started its workflow late (end {End})")]
    private static partial void StartedOne(ILogger logger, string callSid, string tenantId, string end);

    [LoggerMessage(2104, LogLevel.Warning, "Open-call sweep: call {CallSid} under tenant {TenantId} is not that tenant's by its CallSid's claim (a create torn by a crash); its rows are removed")]
    private static partial void DroppedUnclaimed(ILogger logger, string callSid, string tenantId);

    [LoggerMessage(2103, LogLevel.Warning, "Open-call sweep: call {CallSid} of tenant {TenantId} has no reported end after the bound on a call's length")]
    private static partial void EndUnknown(ILogger logger, string callSid, string tenantId);
}
