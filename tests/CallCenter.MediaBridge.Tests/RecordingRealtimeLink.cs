using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Tests;

/// <summary>An OpenAI session that only records what the bridge sends it, for the rules that decide what is sent.</summary>
internal sealed class RecordingRealtimeLink : IRealtimeLink
{
    public ConcurrentQueue<string> Sent { get; } = new();

    public bool Disposed { get; private set; }

    /// <summary>What was sent, as its <c>type</c> and, for a response.create, its metadata purpose or instructions.</summary>
    public List<string> Kinds() => [.. Sent.Select(json =>
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString()!;
        if (root.TryGetProperty("response", out var response))
        {
            return response.TryGetProperty("instructions", out _) ? type + " closing" : type + " goodbye";
        }

        return root.TryGetProperty("item", out var item) ? $"{type} {item.GetProperty("type").GetString()}" : type;
    })];

    public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        Sent.Enqueue(Encoding.UTF8.GetString(json.Span));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        yield break;
    }

    public Task CloseAsync(CancellationToken ct) => Task.CompletedTask;

    public void Dispose() => Disposed = true;
}
