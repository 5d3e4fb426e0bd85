using System.Collections.Concurrent;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The calls this process is carrying, so that a shutdown can refuse new streams, wait for the live ones and,
/// when time runs out, ask each to close.
/// </summary>
internal sealed class LiveCalls
{
    private readonly ConcurrentDictionary<BridgeSession, byte> _sessions = new();
    private volatile bool _draining;

    /// <summary>Set once shutdown has begun: no new stream is taken.</summary>
    public bool Draining => _draining;

    public int Count => _sessions.Count;

    /// <summary>Adds a call, unless the process is draining (then false and nothing is added).</summary>
    public bool TryAdd(BridgeSession session)
    {
        _sessions.TryAdd(session, 0);

        // Added before the flag is read: a drain that began meanwhile either counts this call or is seen here.
        if (_draining)
        {
            _sessions.TryRemove(session, out _);
            return false;
        }

        return true;
    }

    public void Remove(BridgeSession session) => _sessions.TryRemove(session, out _);

    public void StartDraining() => _draining = true;

    public async Task WaitUntilEmptyAsync(TimeProvider time, CancellationToken ct)
    {
        while (!_sessions.IsEmpty)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every live call says its closing line and hangs up.</summary>
    public Task SayClosingLinesAsync() =>
        Task.WhenAll(_sessions.Keys.Select(async s =>
        {
            try
            {
                await s.SayClosingLineAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
            {
                // That call is ending anyway.
            }
        }));
}
