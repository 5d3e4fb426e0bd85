namespace CallCenter.Core.Storage;

/// <summary>
/// One writer at a time per row within this process. Writers of one hot row (a tenant's day in <c>CallStats</c>, a
/// lead many calls summarize into) that race each other under its ETag lose all but one replace per round and read
/// again, so a burst of N costs on the order of N² requests and can run out of attempts; queued here, each starts
/// from the copy the previous one wrote (its ETag current) and writes once. Writers in other processes are still
/// met by the ETag, as before. Entries live only while someone holds or waits for the row.
/// </summary>
internal sealed class RowGate
{
    private readonly Dictionary<(string PartitionKey, string RowKey), Entry> _entries = [];

    public async Task<IDisposable> EnterAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        var key = (partitionKey, rowKey);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                _entries[key] = entry = new Entry(this, key);
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Leave(entry);
            throw;
        }

        return entry.Holder();
    }

    private void Leave(Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(entry.Key);
            }
        }
    }

    private sealed class Entry(RowGate gate, (string, string) key)
    {
        public (string, string) Key { get; } = key;
        public SemaphoreSlim Semaphore { get; } = new(1, 1);
        public int Users { get; set; }

        public IDisposable Holder() => new Held(this);

        public void Release()
        {
            Semaphore.Release();
            gate.Leave(this);
        }
    }

    private sealed class Held(Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                entry.Release();
            }
        }
    }
}
