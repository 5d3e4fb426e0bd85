using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Fakes;

/// <summary>
/// Meta's Graph API as far as WhatsApp sends go: <c>POST /{version}/{phone_number_id}/messages</c> with a
/// Bearer token and the documented text-message body; answers the documented shape with a new wamid.
/// </summary>
public sealed class FakeMetaGraph : LoopbackServer
{
    public const string Version = "v21.0";
    private readonly ConcurrentQueue<MetaSentMessage> _sent = new();
    private int _sends;

    /// <summary>What to configure as the Graph base URL (with the version segment).</summary>
    public Uri BaseUrl => new(Root, Version + "/");

    public int SendCount => Volatile.Read(ref _sends);

    public IReadOnlyList<MetaSentMessage> Sent => [.. _sent];

    public static async Task<FakeMetaGraph> StartAsync(int port = 0, CancellationToken ct = default)
    {
        var fake = new FakeMetaGraph();
        await fake.ListenAsync(port, ct);
        return fake;
    }

    protected override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/{version}/{phoneNumberId}/messages", async (HttpRequest request, string phoneNumberId) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
                || root.GetProperty("messaging_product").GetString() != "whatsapp"
                || root.GetProperty("type").GetString() != "text")
            {
                return Results.Json(new { error = new { message = "Invalid parameter", type = "OAuthException", code = 100 } }, statusCode: 400);
            }

            var to = root.GetProperty("to").GetString() ?? "";
            var id = "wamid.FAKE" + Guid.NewGuid().ToString("N");
            _sent.Enqueue(new MetaSentMessage(phoneNumberId, to, root.GetProperty("text").GetProperty("body").GetString() ?? "", id, request.Headers.Authorization));
            Interlocked.Increment(ref _sends);
            return Results.Json(new
            {
                messaging_product = "whatsapp",
                contacts = new[] { new { input = to, wa_id = to } },
                messages = new[] { new { id } },
            });
        });
}
