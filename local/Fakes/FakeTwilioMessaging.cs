using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Fakes;

/// <summary>
/// Twilio's Messages API: <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, a form with To, From,
/// Body (and StatusCallback), Basic auth; answers 201 with the message resource and its SM sid.
/// </summary>
public sealed class FakeTwilioMessaging : LoopbackServer
{
    private readonly ConcurrentQueue<TwilioSentMessage> _sent = new();
    private int _sends;

    public Uri BaseUrl => Root;

    public int SendCount => Volatile.Read(ref _sends);

    public IReadOnlyList<TwilioSentMessage> Sent => [.. _sent];

    public static async Task<FakeTwilioMessaging> StartAsync(int port = 0, CancellationToken ct = default)
    {
        var fake = new FakeTwilioMessaging();
        await fake.ListenAsync(port, ct);
        return fake;
    }

    protected override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", async (HttpRequest request, string accountSid) =>
        {
            if (!request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.Ordinal) || !request.HasFormContentType)
            {
                return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: 401);
            }

            var form = await request.ReadFormAsync();
            var sid = "SM" + Guid.NewGuid().ToString("N");
            _sent.Enqueue(new TwilioSentMessage(accountSid, form["To"].ToString(), form["From"].ToString(), form["Body"].ToString(), sid, form["StatusCallback"]));
            Interlocked.Increment(ref _sends);
            return Results.Json(
                new { sid, account_sid = accountSid, to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString(), status = "queued" },
                statusCode: 201);
        });
}
