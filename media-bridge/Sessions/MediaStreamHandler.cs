using System.Diagnostics;
using System.Net.WebSockets;
using CallCenter.Core.Calls;
using CallCenter.Core.Telemetry;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Accepts one Twilio Media Stream: waits for <c>start</c>, trusts nothing before the token is verified
/// (signature, expiry and CallSid) and the call is found live and not yet streamed, loads the call's context,
/// opens the OpenAI session, then hands over to <see cref="BridgeSession"/> under the call's limits.
/// </summary>
internal sealed class MediaStreamHandler(
    StreamTokens tokens,
    CallContextLoader loader,
    StreamBindings bindings,
    CallLogStore calls,
    LiveCalls live,
    SessionServices services,
    BridgeMetrics metrics,
    ILogger<MediaStreamHandler> logger)
{
    // Twilio's start message with its custom parameters is a few hundred bytes; one that does not fit is refused.
    private const int StartBufferBytes = 16384;

    // RFC 6455's "try again later"; System.Net.WebSockets has no name for it.
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private const string TooManyWaiting = "too many sockets waiting for start";

    private int _awaitingStart;

    public async Task HandleAsync(MediaStreamSocket media, CancellationToken aborted)
    {
        metrics.SessionOpened();
        metrics.SocketOpened();
        try
        {
            await RunAsync(media, aborted).ConfigureAwait(false);
        }
        finally
        {
            await media.CloseAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
            metrics.SocketClosed();
            metrics.SessionClosed();
        }
    }

    private async Task RunAsync(MediaStreamSocket media, CancellationToken aborted)
    {
        // The call's one buffer for Twilio's messages: start, then every frame of the session.
        using var inbox = new TwilioMessageBuffer();
        var setup = Stopwatch.StartNew();
        var (start, refusal) = await AwaitStartAsync(media, inbox, aborted).ConfigureAwait(false);
        var startedAt = Stopwatch.GetTimestamp();
        if (start is null)
        {
            await RejectAsync(media, refusal ?? "no start message", refusal == TooManyWaiting ? TryAgainLater : WebSocketCloseStatus.PolicyViolation)
                .ConfigureAwait(false);
            return;
        }

        var error = tokens.Verify(start.Token, out var claims);
        if (error != StreamTokenError.None || claims is null)
        {
            await RejectAsync(media, $"token {error}").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(claims.CallSid, start.CallSid, StringComparison.Ordinal))
        {
            await RejectAsync(media, "token CallSid does not match the stream's").ConfigureAwait(false);
            return;
        }

        CallContext? context;
        IRealtimeLink link;
        try
        {
            context = await loader.LoadAsync(claims, aborted).ConfigureAwait(false);
            var refused = context is null ? "unknown tenant"
                : claims.AfterTransfer is not null && !HumanTransfer.MayComeBack(claims, context.Call) ? $"call {claims.CallSid} has no unanswered transfer to come back from"
                : claims.AfterTransfer is null && context.Call is { IsFinished: true } ? $"call {claims.CallSid} is finished"
                : live.Draining ? "shutting down"
                : null;
            var row = claims.AfterTransfer is null ? StreamBindings.Row : StreamBindings.AfterTransferRow;
            if (refused is null && !await bindings.TryBindAsync(claims.CallSid, start.StreamSid, services.Time.GetUtcNow(), aborted, row).ConfigureAwait(false))
            {
                refused = $"call {claims.CallSid} already has a stream";
            }

            if (refused is not null || context is null)
            {
                await RejectAsync(media, refused ?? "unknown tenant").ConfigureAwait(false);
                return;
            }

            link = await services.ConnectAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            BridgeTrace.ContextFailed(logger, claims.CallSid, e);
            return;
        }

        BridgeTrace.CallStarted(logger, claims.CallSid, claims.TenantId, claims.Direction.ToString(), setup.ElapsedMilliseconds);
        var session = new BridgeSession(media, inbox, context, start.StreamSid, link, services, aborted);
        session.Measurements.StreamStarted(startedAt);
        if (!live.TryAdd(session))
        {
            link.Dispose();
            await RejectAsync(media, "shutting down").ConfigureAwait(false);
            return;
        }

        // The session's span, in the call's trace; current while the session runs, and nothing in it is per frame.
        using var span = CallTelemetry.StartCallSpan(CallTelemetry.BridgeSession, ActivityKind.Server, claims.CallSid, claims.TenantId);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var limits = CallLimits.WatchAsync(session, claims.CallSid, services.Options.IdleTimeout,
            TimeSpan.FromSeconds(context.Tenant.MaxCallSeconds), services.Time, logger, watch.Token);
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            live.Remove(session);
            await MarkStreamEndedAsync(claims.TenantId, claims.CallSid).ConfigureAwait(false);
            await RecordMeasurementsAsync(claims.TenantId, claims.CallSid, session.Measurements).ConfigureAwait(false);
            await watch.CancelAsync().ConfigureAwait(false);
            try
            {
                await limits.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or WebSocketException)
            {
            }
        }
    }

    /// <summary>The start message, or why there is none; at most <c>MaxSocketsAwaitingStart</c> sockets wait at once.</summary>
    private async Task<(TwilioStart? Start, string? Refusal)> AwaitStartAsync(MediaStreamSocket twilio, TwilioMessageBuffer inbox, CancellationToken aborted)
    {
        try
        {
            if (Interlocked.Increment(ref _awaitingStart) > services.Options.MaxSocketsAwaitingStart)
            {
                return (null, TooManyWaiting);
            }

            using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            startTimeout.CancelAfter(services.Options.StartTimeout);
            return await ReadStartAsync(twilio, inbox, startTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return (null, "no start message in time");
        }
        catch (WebSocketException)
        {
            return (null, "the socket failed before start");
        }
        finally
        {
            Interlocked.Decrement(ref _awaitingStart);
        }
    }

    // Recorded so a replayed voice webhook finds the call finished and issues no new token; the stream row
    // already refuses any later stream, so a failure here costs nothing but a log line.
    private async Task MarkStreamEndedAsync(string tenantId, string callSid)
    {
        try
        {
            await calls.MarkStreamEndedAsync(tenantId, callSid, services.Time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            BridgeTrace.StreamEndNotRecorded(logger, callSid, e);
        }
    }

    // Once per call, after the audio: the figures go to the call's row (first stream to end wins, see
    // CallLogStore.RecordBridgeMeasurementsAsync); a failure loses them and nothing else.
    private async Task RecordMeasurementsAsync(string tenantId, string callSid, CallMeasurements measurements)
    {
        try
        {
            await calls.RecordBridgeMeasurementsAsync(tenantId, callSid, measurements.Latency(), measurements.Usage(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            BridgeTrace.MeasurementsNotRecorded(logger, callSid, e);
        }
    }

    private async Task RejectAsync(MediaStreamSocket twilio, string reason, WebSocketCloseStatus status = WebSocketCloseStatus.PolicyViolation)
    {
        metrics.StreamRejected();
        BridgeTrace.StreamRejected(logger, reason);
        await twilio.CloseAsync(status, "rejected").ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <c>connected</c> and then <c>start</c> into the call's pooled buffer (the audio path allocates nothing,
    /// so no collection runs during a call and every call's set-up garbage would otherwise stay resident).
    /// </summary>
    private static async Task<(TwilioStart?, string?)> ReadStartAsync(MediaStreamSocket twilio, TwilioMessageBuffer inbox, CancellationToken ct)
    {
        while (true)
        {
            switch (await twilio.ReceiveAsync(inbox, ct).ConfigureAwait(false))
            {
                case MediaRead.Closed:
                    return (null, "closed before start");
                case MediaRead.TooBig:
                    return (null, "start message too long");
            }

            if (inbox.Message.Length > StartBufferBytes)
            {
                return (null, "start message too long");
            }

            var parsed = TwilioStart.Parse(inbox.MessageMemory, out var start);
            if (parsed.Kind != StartParseKind.Connected)
            {
                return (start, parsed.Reason);
            }
        }
    }
}
