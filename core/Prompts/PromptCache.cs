using System.Collections.Concurrent;

namespace CallCenter.Core.Prompts;

/// <summary>
/// The one prompt cache: prompt versions by (tenant, channel, version). A version never changes once written,
/// so an entry is never stale; an update makes a new version, which is a new key.
/// </summary>
public sealed class PromptCache
{
    // Far above tenants × channels × live versions; reaching it means churn, and a reset costs one read each.
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<(string TenantId, PromptChannel Channel, int Version), Task<PromptVersion?>> _entries = new();
    private long _hits;
    private long _misses;

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    public async Task<PromptVersion?> GetOrLoadAsync(
        string tenantId, PromptChannel channel, int version, Func<Task<PromptVersion?>> load)
    {
        var key = (tenantId, channel, version);
        if (_entries.TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return await cached.ConfigureAwait(false);
        }

        Interlocked.Increment(ref _misses);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        var loading = load();
        try
        {
            var loaded = await loading.ConfigureAwait(false);
            if (loaded is not null)
            {
                _entries.TryAdd(key, loading);
            }

            return loaded;
        }
        catch
        {
            _entries.TryRemove(key, out _);
            throw;
        }
    }
}
