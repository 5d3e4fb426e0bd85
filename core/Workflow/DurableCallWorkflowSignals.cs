using CallCenter.Core.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

public sealed class CallWorkflowOptions
{
    public const string Section = "CallWorkflow";

    public CallWorkflowTimings Timings { get; set; } = new();
}

/// <summary>
/// Call workflow instances this process has started or found existing. Call workflows are never purged, so an
/// instance that exists always will: a start for a known one is a no-op without asking the engine.
/// </summary>
public sealed class KnownCallWorkflows
{
    // Far above the calls one instance sees in a while; a reset costs one start request each.
    private readonly BoundedMemo<string, bool> _instanceIds = new(20_000, StringComparer.Ordinal);

    public bool Contains(string instanceId) => _instanceIds.TryGetValue(instanceId, out _);

    public void Add(string instanceId) => _instanceIds.Set(instanceId, true);
}

/// <summary>The workflow signals over a Durable Task client (the Functions binding's, or the local host's).</summary>
public sealed class DurableCallWorkflowSignals(DurableTaskClient client, IOptions<CallWorkflowOptions> options, KnownCallWorkflows known) : ICallWorkflowSignals
{
    public async Task EnsureStartedAsync(string tenantId, string callSid, CancellationToken ct = default)
    {
        var instanceId = CallWorkflowNames.InstanceId(callSid);
        if (known.Contains(instanceId))
        {
            return;
        }

        await client.StartOnceAsync(CallWorkflowNames.Orchestration, instanceId, new CallWorkflowInput(tenantId, callSid, options.Value.Timings), ct);
        known.Add(instanceId);
    }

    public async Task CallEndedAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct = default)
    {
        await EnsureStartedAsync(tenantId, callSid, ct);
        await client.RaiseEventAsync(CallWorkflowNames.InstanceId(callSid), CallWorkflowNames.CallEndedEvent, ended, ct);
    }

    public async Task RecordingAsync(string tenantId, string callSid, RecordingReady recording, CancellationToken ct = default)
    {
        await EnsureStartedAsync(tenantId, callSid, ct);
        await client.RaiseEventAsync(CallWorkflowNames.InstanceId(callSid), CallWorkflowNames.RecordingEvent, recording, ct);
    }
}
