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

    public IReadOnlyList<string> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    public override void OnSendingRequest(HttpMessage message) =>
        _requests.Enqueue($"{message.Request.Method} {message.Request.Uri.Path[(message.Request.Uri.Path.LastIndexOf('/') + 1)..]}");
}
