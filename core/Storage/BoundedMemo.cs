using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CallCenter.Core.Storage;

/// <summary>
/// What a process remembers to save storage requests on the webhook path: a concurrent map that forgets
/// everything once it holds <c>capacity</c> entries. Each capacity is far above what one instance has in
/// flight, so reaching it means churn, and a reset costs one request per entry asked for again.
/// </summary>
public sealed class BoundedMemo<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new(comparer);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => _entries.TryGetValue(key, out value);

    public void Set(TKey key, TValue value)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[key] = value;
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);
}
