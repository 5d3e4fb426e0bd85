using CallCenter.Core.Storage;

namespace CallCenter.Core.Workflow;

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
