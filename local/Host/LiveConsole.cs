using System.Net.WebSockets;
using System.Text.Json;
using CallCenter.Core.Events;

namespace CallCenter.Local.Host;

/// <summary>
/// Prints a tenant's live events as they happen, received exactly as a dashboard receives them: the negotiate
/// route, then the WebSocket it hands out.
/// </summary>
public static class LiveConsole
{
    public static async Task RunAsync(Uri baseUrl, string tenantId, string apiKey, Action<string> print, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        using var socket = new ClientWebSocket();
        var buffer = new byte[64 * 1024];
        try
        {
            var negotiated = await http.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/live/negotiate", ct);
            await socket.ConnectAsync(new Uri(negotiated.GetProperty("url").GetString()!), ct);
            while (socket.State == WebSocketState.Open)
            {
                var count = 0;
                ValueWebSocketReceiveResult frame;
                do
                {
                    frame = await socket.ReceiveAsync(buffer.AsMemory(count), ct);
                    count += frame.Count;
                }
                while (!frame.EndOfMessage && count < buffer.Length);

                if (frame.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                foreach (var e in JsonSerializer.Deserialize<List<LiveEvent>>(buffer.AsSpan(0, count), LiveEventWire.Json) ?? [])
                {
                    if (Describe(e) is { } line)
                    {
                        print(line);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or JsonException)
        {
            // The run goes on without the live lines; the dashboard shows the same connection error.
            print($"  (live events unavailable: {e.Message})");
        }
    }

    private static string? Describe(LiveEvent e) => e.Kind switch
    {
        LiveEventKind.Transcript when e.Sequence == 1 && e.Role == "Agent" => $"  greeting: {e.Text}",
        LiveEventKind.Transcript => $"  {e.Role?.ToLowerInvariant()}: {e.Text}",
        LiveEventKind.CallFinished => "  post-call workflow finished (recording, transcript, summary stored)",
        _ => null,
    };
}
