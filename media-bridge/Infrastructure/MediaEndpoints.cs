using CallCenter.Core.Calls;
using CallCenter.Core.Twilio;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Options;
using Twilio.Security;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// The bridge's HTTP surface: the Media Streams socket, and on the internal port only (which the ingress does
/// not expose) health, readiness and metrics.
/// </summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaBridge(this IEndpointRouteBuilder app)
    {
        app.Map("/media", AcceptAsync);
        var internalPort = app.ServiceProvider.GetRequiredService<IOptions<MediaBridgeOptions>>().Value.InternalPort;

        // By the port the connection came in on, not the Host header, which any client can set.
        var internalOnly = app.MapGroup("").AddEndpointFilter((context, next) =>
            context.HttpContext.Connection.LocalPort == internalPort ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        internalOnly.MapGet("/healthz", () => Results.Json(new BridgeStatus("ok"), BridgeJsonContext.Default.BridgeStatus));
        internalOnly.MapGet("/readyz", (LiveCalls calls) => calls.Draining
            ? Results.Json(new BridgeStatus("draining"), BridgeJsonContext.Default.BridgeStatus, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new BridgeStatus("ready"), BridgeJsonContext.Default.BridgeStatus));
        internalOnly.MapGet("/metrics", (BridgeMetrics metrics) => Results.Json(metrics.Snapshot(), BridgeJsonContext.Default.BridgeMetricsSnapshot));
        return app;
    }

    private static async Task<IResult> AcceptAsync(
        HttpContext http,
        MediaStreamHandler handler,
        LiveCalls live,
        BridgeMetrics metrics,
        IOptions<MediaBridgeOptions> options,
        IOptions<TwilioOptions> twilio,
        IOptions<BridgeOptions> bridge)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return Results.BadRequest();
        }

        // A replica that is shutting down takes no new call; Twilio's stream fails and the call ends.
        if (live.Draining)
        {
            metrics.StreamRejected();
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
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
