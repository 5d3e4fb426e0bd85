using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Simulators;

namespace CallCenter.MediaBridge.Tests;

/// <summary>A Media Streams client that sends exactly what a test gives it, signed as Twilio signs the upgrade.</summary>
public sealed class RawMediaSocket : IAsyncDisposable
{
    private RawMediaSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<RawMediaSocket> ConnectAsync(BridgeHarness h)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-twilio-signature", SimulatedCall.Sign(BridgeHarness.AuthToken, h.MediaUrl));
        await socket.ConnectAsync(h.MediaUrl, CancellationToken.None);
        return new RawMediaSocket(socket);
    }

    /// <summary>Connects and sends <c>connected</c>, then the given first real message (a start, well-formed or not).</summary>
    public static async Task<RawMediaSocket> StartAsync(BridgeHarness h, string start)
    {
        var socket = await ConnectAsync(h);
        await socket.SendAsync(Connected);
        await socket.SendAsync(start);
        return socket;
    }

    /// <summary>A well-formed <c>start</c> as Twilio sends it.</summary>
    public static string Start(string callSid, string? token, string? streamSid = null)
    {
        streamSid ??= "MZ" + Guid.NewGuid().ToString("N");
        return JsonSerializer.Serialize(new
        {
            @event = "start",
            sequenceNumber = "1",
            start = new
            {
                accountSid = BridgeHarness.AccountSid,
                streamSid,
                callSid,
                tracks = new[] { "inbound" },
                mediaFormat = new { encoding = "audio/x-mulaw", sampleRate = 8000, channels = 1 },
                customParameters = token is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [StreamTokens.ParameterName] = token },
            },
            streamSid,
        });
    }

    public const string Connected = """{"event":"connected","protocol":"Call","version":"1.0.0"}""";

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public Task SendAsync(byte[] data, bool endOfMessage = true) =>
        Socket.SendAsync(data, WebSocketMessageType.Text, endOfMessage, CancellationToken.None);

    /// <summary>Reads (and drops) what the bridge sends until it closes; the close status, or null when the connection dropped.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var r = await Socket.ReceiveAsync(buffer, cts.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return r.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        Socket.Abort();
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
