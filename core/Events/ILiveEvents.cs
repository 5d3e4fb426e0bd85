using System.Collections.Concurrent;

namespace CallCenter.Core.Events;

public enum LiveEventKind
{
    CallStarted,
    Transcript,
    ToolCalled,
    CallEnded,
}

/// <summary>What a dashboard sees of a live call. Small on purpose: it crosses the wire per utterance.</summary>
public sealed record LiveEvent(string CallSid, LiveEventKind Kind, string? Role, string? Text, int Sequence, DateTimeOffset At);

/// <summary>Publishes live call events to a tenant's dashboards (Web PubSub in Azure).</summary>
public interface ILiveEvents
{
    ValueTask PublishAsync(string tenantId, LiveEvent e, CancellationToken ct = default);
}

/// <summary>
/// Keeps the latest events per tenant in memory, so a local host or a test can read what a dashboard would
/// have received. Bounded: older events fall off.
/// </summary>
public sealed class RecentLiveEvents : ILiveEvents
{
    private const int PerTenant = 512;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<LiveEvent>> _byTenant = new(StringComparer.Ordinal);

    public ValueTask PublishAsync(string tenantId, LiveEvent e, CancellationToken ct = default)
    {
        var queue = _byTenant.GetOrAdd(tenantId, _ => new ConcurrentQueue<LiveEvent>());
        queue.Enqueue(e);
        while (queue.Count > PerTenant && queue.TryDequeue(out _))
        {
        }

        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<LiveEvent> Recent(string tenantId) =>
        _byTenant.TryGetValue(tenantId, out var queue) ? queue.ToArray() : [];
}
