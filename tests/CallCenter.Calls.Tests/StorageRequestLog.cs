using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CallCenter.Calls.Tests;

/// <summary>
/// Every request a storage client sends, retries included (the policy sits per retry), as "METHOD resource" (the
/// last segment of its path: a table, a table's entity, <c>$batch</c>): what the storage service would count.
/// </summary>
public sealed class StorageRequestLog : HttpPipelinePolicy
{
    /// <summary>How long a held request waits for the others before it goes on alone.</summary>
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _filters = new();
    private readonly object _gate = new();
    private int _inFlight;
    private int _mostInFlight;
    private int _holdUntil;
    private TaskCompletionSource _together = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>The <c>$filter</c> of every query, decoded: what the service is asked to search.</summary>
    public IReadOnlyList<string> Filters => [.. _filters];

    /// <summary>The most requests that were on the wire at one time since the last <see cref="Clear"/>.</summary>
    public int MostInFlight => Volatile.Read(ref _mostInFlight);

    public void Clear()
    {
        _requests.Clear();
        _filters.Clear();
        Volatile.Write(ref _mostInFlight, Volatile.Read(ref _inFlight));
    }

    /// <summary>
    /// From now on each request waits at the wire until <paramref name="count"/> are in flight, or 5 s: requests the
    /// code sends together all get there, so <see cref="MostInFlight"/> reaches the count whatever the timing;
    /// requests sent one after another never do.
    /// </summary>
    public void HoldUntilInFlight(int count)
    {
        lock (_gate)
        {
            _holdUntil = count;
            _together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var together = Sending(message);
        try
        {
            together.Wait(HoldLimit);
            ProcessNext(message, pipeline);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var together = Sending(message);
        try
        {
            await Task.WhenAny(together, Task.Delay(HoldLimit)).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Counts the request on the wire; the task completes when the held requests may go.</summary>
    private Task Sending(HttpMessage message)
    {
        _requests.Enqueue($"{message.Request.Method} {message.Request.Uri.Path[(message.Request.Uri.Path.LastIndexOf('/') + 1)..]}");
        if (System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query)["$filter"] is { } filter)
        {
            _filters.Enqueue(filter);
        }

        lock (_gate)
        {
            var now = Interlocked.Increment(ref _inFlight);
            Volatile.Write(ref _mostInFlight, Math.Max(_mostInFlight, now));
            if (now >= _holdUntil)
            {
                _together.TrySetResult();
            }

            return _together.Task;
        }
    }
}
