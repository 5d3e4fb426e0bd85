using System.Net.WebSockets;
using System.Text.Json;
using CallCenter.Core.Events;

namespace CallCenter.Local.Host;

/// <summary>Prints a tenant's live events as they happen, received exactly as a dashboard receives them.</summary>
public static class LiveConsole
{
    public static async Task RunAsync(Uri baseUrl, string tenantId, string apiKey, Action<string> print, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        try
        {
            using var live = await LiveEventsSocket.ConnectAsync(http, tenantId, apiKey, ct);
            while (await live.ReceiveAsync(ct) is { } events)
            {
                foreach (var line in events.Select(Describe).OfType<string>())
                {
                    print(line);
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
