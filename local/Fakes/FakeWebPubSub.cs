using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Fakes;

/// <summary>
/// Azure Web PubSub as far as the product uses it, on loopback: the data-plane REST API (send to a group,
/// generate a client token), authenticated with an access key as the REST API documents (HS256 JWT whose
/// audience is the request URL), and the client endpoint <c>/client/hubs/{hub}?access_token=</c> where a plain
/// WebSocket joins the groups its token names and receives each group message as one text frame.
/// </summary>
public sealed class FakeWebPubSub : LoopbackServer
{
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly ConcurrentQueue<(string Group, string Message)> _sent = new();

    private FakeWebPubSub(string accessKey) => AccessKey = accessKey;

    public string AccessKey { get; }

    /// <summary>Every message sent to a group, in arrival order.</summary>
    public IReadOnlyList<(string Group, string Message)> Sent => _sent.ToArray();

    public int Connections => _connections.Count;

    public static async Task<FakeWebPubSub> StartAsync(string accessKey, int port = 0)
    {
        var fake = new FakeWebPubSub(accessKey);
        await fake.ListenAsync(port, CancellationToken.None);
        return fake;
    }

    protected override void Map(IEndpointRouteBuilder app)
    {
        ((IApplicationBuilder)app).UseWebSockets();
        app.MapPost("/api/hubs/{hub}/groups/{group}/:send", async (HttpContext http, string hub, string group) =>
        {
            if (!Verify(BearerOf(http.Request), out var claims) || claims.GetProperty("aud").GetString() != http.Request.GetEncodedUrl())
            {
                return Results.Unauthorized();
            }

            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var message = await reader.ReadToEndAsync();
            _sent.Enqueue((group, message));
            var frame = Encoding.UTF8.GetBytes(message);
            foreach (var connection in _connections.Keys.Where(c => c.Hub == hub && c.Groups.Contains(group)))
            {
                connection.Outbox.Writer.TryWrite(frame);
            }

            return Results.Accepted();
        });
        app.MapPost("/api/hubs/{hub}/:generateToken", (HttpContext http, string hub) =>
        {
            if (!Verify(BearerOf(http.Request), out var claims) || claims.GetProperty("aud").GetString() != http.Request.GetEncodedUrl())
            {
                return Results.Unauthorized();
            }

            var query = http.Request.Query;
            var minutes = int.TryParse(query["minutesToExpire"], out var m) && m > 0 ? m : 60;
            var token = Sign(new Dictionary<string, object?>
            {
                ["aud"] = $"{Root.AbsoluteUri.Replace("http", "ws", StringComparison.Ordinal)}client/hubs/{hub}",
                ["sub"] = query["userId"].ToString(),
                ["exp"] = DateTimeOffset.UtcNow.AddMinutes(minutes).ToUnixTimeSeconds(),
                ["webpubsub.group"] = query["group"].ToArray(),
            });
            return Results.Json(new { token });
        });
        app.Map("/client/hubs/{hub}", async (HttpContext http, string hub) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                return Results.BadRequest();
            }

            if (!Verify(http.Request.Query["access_token"], out var claims) || !claims.GetProperty("aud").GetString()!.EndsWith($"/client/hubs/{hub}", StringComparison.Ordinal))
            {
                return Results.Unauthorized();
            }

            var groups = claims.TryGetProperty("webpubsub.group", out var g) ? g.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await ServeAsync(new Connection(hub, groups, socket), http.RequestAborted);
            return Results.Empty;
        });
    }

    private async Task ServeAsync(Connection connection, CancellationToken ct)
    {
        _connections[connection] = 0;
        try
        {
            // Client frames are not part of the contract the dashboard uses; they are read to notice the close.
            var reading = Task.Run(async () =>
            {
                var buffer = new byte[1024];
                while (connection.Socket.State == WebSocketState.Open)
                {
                    var frame = await connection.Socket.ReceiveAsync(buffer, ct);
                    if (frame.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }

                connection.Outbox.Writer.TryComplete();
            }, ct);
            await foreach (var message in connection.Outbox.Reader.ReadAllAsync(ct))
            {
                await connection.Socket.SendAsync(message, WebSocketMessageType.Text, true, ct);
            }

            await reading;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    private static string? BearerOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal) ? h["Bearer ".Length..] : null;

    private string Sign(Dictionary<string, object?> claims)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        return $"{header}.{payload}.{Base64Url.EncodeToString(Mac($"{header}.{payload}"))}";
    }

    private bool Verify(string? token, out JsonElement claims)
    {
        claims = default;
        if (token?.Split('.') is not [var header, var payload, var signature])
        {
            return false;
        }

        try
        {
            if (!CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(signature), Mac($"{header}.{payload}")))
            {
                return false;
            }

            claims = JsonDocument.Parse(Base64Url.DecodeFromChars(payload)).RootElement;
            return claims.TryGetProperty("exp", out var exp) && exp.GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds()
                && claims.TryGetProperty("aud", out _);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private byte[] Mac(string signed) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(AccessKey), Encoding.ASCII.GetBytes(signed));

    private sealed class Connection(string hub, HashSet<string> groups, WebSocket socket)
    {
        public string Hub => hub;
        public HashSet<string> Groups => groups;
        public WebSocket Socket => socket;

        // A slow dashboard loses its oldest events rather than holding up the publisher.
        public Channel<byte[]> Outbox { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    }
}
