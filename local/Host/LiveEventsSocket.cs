using System.Net.WebSockets;
using System.Text.Json;
using CallCenter.Core.Events;

namespace CallCenter.Local.Host;

/// <summary>
/// A tenant's live events received as a dashboard receives them: the negotiate route hands out a URL, and a
/// plain WebSocket on it gets each published message as one JSON array of events.
/// </summary>
public sealed class LiveEventsSocket : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private byte[] _buffer = new byte[64 * 1024];

    private LiveEventsSocket()
    {
    }

    /// <summary>The URL <c>GET /api/tenants/{tenant}/live/negotiate</c> answers for <paramref name="apiKey"/>.</summary>
    public static async Task<Uri> NegotiateAsync(HttpClient api, string tenantId, string apiKey, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenantId}/live/negotiate");
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await api.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return new Uri(body.GetProperty("url").GetString()!);
    }

    public static async Task<LiveEventsSocket> ConnectAsync(HttpClient api, string tenantId, string apiKey, CancellationToken ct = default)
    {
        var live = new LiveEventsSocket();
        try
        {
            await live._socket.ConnectAsync(await NegotiateAsync(api, tenantId, apiKey, ct), ct);
            return live;
        }
        catch
        {
            live.Dispose();
            throw;
        }
    }

    /// <summary>The next message's events, in order; null once the service closes the socket.</summary>
    public async Task<IReadOnlyList<LiveEvent>?> ReceiveAsync(CancellationToken ct)
    {
        var count = 0;
        ValueWebSocketReceiveResult frame;
        do
        {
            if (count == _buffer.Length)
            {
                // A large batch: read it whole rather than parse half of it.
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            frame = await _socket.ReceiveAsync(_buffer.AsMemory(count), ct);
            count += frame.Count;
        }
        while (!frame.EndOfMessage);

        return frame.MessageType == WebSocketMessageType.Close
            ? null
            : JsonSerializer.Deserialize<List<LiveEvent>>(_buffer.AsSpan(0, count), LiveEventWire.Json) ?? [];
    }

    public void Dispose() => _socket.Dispose();
}
