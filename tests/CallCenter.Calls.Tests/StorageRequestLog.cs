using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CallCenter.Calls.Tests;

/// <summary>
/// Every request a storage client sends, retries included (the policy sits per retry), as "METHOD resource" (the
/// last segment of its path: a table, a table's entity, <c>$batch</c>): what the storage service would count.
/// </summary>
public sealed class StorageRequestLog : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<string> _requests = new();
    private int _inFlight;
    private int _mostInFlight;

    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>The most requests that were on the wire at one time since the last <see cref="Clear"/>.</summary>
    public int MostInFlight => Volatile.Read(ref _mostInFlight);

    public void Clear()
    {
        _requests.Clear();
        Volatile.Write(ref _mostInFlight, Volatile.Read(ref _inFlight));
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        _requests.Enqueue($"{message.Request.Method} {message.Request.Uri.Path[(message.Request.Uri.Path.LastIndexOf('/') + 1)..]}");
        var now = Interlocked.Increment(ref _inFlight);
        for (var most = Volatile.Read(ref _mostInFlight); now > most; most = Volatile.Read(ref _mostInFlight))
        {
            if (Interlocked.CompareExchange(ref _mostInFlight, now, most) == most)
            {
                break;
            }
        }
    }

    public override void OnReceivedResponse(HttpMessage message) => Interlocked.Decrement(ref _inFlight);
}
