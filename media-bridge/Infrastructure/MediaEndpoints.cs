using CallCenter.Core.Calls;
using CallCenter.Core.Twilio;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Options;
using Twilio.Security;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>The bridge's HTTP surface: the Media Streams socket, health and metrics.</summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaBridge(this IEndpointRouteBuilder app)
    {
        app.Map("/media", AcceptAsync);
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/readyz", () => Results.Ok(new { status = "ready" }));
        app.MapGet("/metrics", (BridgeMetrics metrics) => Results.Ok(metrics.Snapshot()));
        return app;
    }

    private static async Task<IResult> AcceptAsync(
        HttpContext http,
        MediaStreamHandler handler,
        BridgeMetrics metrics,
        IOptions<MediaBridgeOptions> options,
        IOptions<TwilioOptions> twilio,
        IOptions<BridgeOptions> bridge)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return Results.BadRequest();
        }

        // Twilio signs the upgrade over the wss URL it was given (no query string, no body).
        if (options.Value.ValidateTwilioSignature)
        {
            var signature = http.Request.Headers["x-twilio-signature"].ToString();
            var validator = new RequestValidator(twilio.Value.AuthToken);
            if (signature.Length == 0
                || !validator.Validate(bridge.Value.StreamUrl.ToString(), new Dictionary<string, string>(), signature))
            {
                metrics.StreamRejected();
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }
        }

        using var socket = await MediaStreamSocket.AcceptAsync(http, options.Value.KeepAliveInterval).ConfigureAwait(false);
        if (socket is null)
        {
            return Results.BadRequest();
        }

        await handler.HandleAsync(socket, http.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }
}
