using System.Collections.Concurrent;
using System.Text;
using CallCenter.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Calls.Tests;

/// <summary>
/// A tenant's webhook endpoint on loopback: records every request, answers 500 for the first
/// <see cref="FailuresLeft"/> (or every one while <see cref="AlwaysFail"/>), then 200.
/// </summary>
public sealed class WebhookReceiver : LoopbackServer
{
    private int _failuresLeft;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public int FailuresLeft { get => Volatile.Read(ref _failuresLeft); set => Volatile.Write(ref _failuresLeft, value); }

    public bool AlwaysFail { get; set; }

    public Uri Url => new(Root, "hook");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.ListenAsync(0, CancellationToken.None);
        return receiver;
    }

    protected override void Map(IEndpointRouteBuilder routes)
    {
        // Sends a client on to /hook: a sender that followed it would be sent anywhere.
        routes.MapPost("/redirect", () => Results.Redirect("/hook", permanent: false, preserveMethod: true));
        routes.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var fail = AlwaysFail || Interlocked.Decrement(ref _failuresLeft) >= 0;
            Received.Enqueue(new ReceivedWebhook(DateTimeOffset.UtcNow, http.Request.Headers["CallCenter-Signature"].ToString(), body, fail ? 500 : 200));
            return Results.StatusCode(fail ? 500 : 200);
        });
    }
}
