using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Tenants;

/// <summary>
/// Tenants and voice-number owners for the call webhooks, which look them up on every request: read through
/// <see cref="TenantStore"/> at most once per <see cref="TenantCacheOptions.Ttl"/>, and dropped whenever a
/// tenant is saved here. Everything that edits tenants reads the store itself.
/// </summary>
public sealed class TenantCache
{
    // Far above tenants and their numbers; reaching it means churn, and a reset costs one read each.
    private const int MaxEntries = 20_000;

    private readonly TenantStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly ConcurrentDictionary<string, Entry> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _voiceNumbers = new(StringComparer.Ordinal);

    public TenantCache(TenantStore store, TimeProvider time, IOptions<TenantCacheOptions> options)
    {
        _store = store;
        _time = time;
        _ttl = options.Value.Ttl;
        store.Saved += Clear;
    }

    // A read is shared by every request that misses meanwhile, so no one request's cancellation stops it.
    public Task<Tenant?> GetAsync(string tenantId, CancellationToken ct = default) =>
        GetOrLoadAsync(_tenants, tenantId, () => _store.GetAsync(tenantId, CancellationToken.None), ct);

    /// <summary>The owner of a voice number, as <see cref="TenantStore.FindByVoiceNumberAsync"/> says; unowned numbers are remembered too.</summary>
    public Task<Tenant?> FindByVoiceNumberAsync(string number, CancellationToken ct = default) =>
        GetOrLoadAsync(_voiceNumbers, number, () => _store.FindByVoiceNumberAsync(number, CancellationToken.None), ct);

    private void Clear()
    {
        _tenants.Clear();
        _voiceNumbers.Clear();
    }

    private async Task<Tenant?> GetOrLoadAsync(ConcurrentDictionary<string, Entry> entries, string key, Func<Task<Tenant?>> load, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        // Concurrent misses share one read; the read starts only once its entry is in place, so a save that
        // clears the cache after this entry went in cannot leave the tenant from before the save behind.
        var entry = entries.AddOrUpdate(
            key,
            static (_, a) => new Entry(new Lazy<Task<Tenant?>>(a.load), a.now),
            (_, old, a) => a.self.IsFresh(old, a.now) ? old : new Entry(new Lazy<Task<Tenant?>>(a.load), a.now),
            (load, now, self: this));
        try
        {
            return await entry.Tenant.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
    }

    private bool IsFresh(Entry entry, long now) => _time.GetElapsedTime(entry.LoadedAt, now) < _ttl;

    private sealed record Entry(Lazy<Task<Tenant?>> Tenant, long LoadedAt);
}
