using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.MediaBridge.Infrastructure;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>What every session shares: singletons, built once.</summary>
internal sealed class SessionServices(
    IRealtimeConnector connector,
    ICallControl callControl,
    TranscriptQueue transcripts,
    BridgeMetrics metrics,
    LeadStore leads,
    TimeProvider time,
    IOptions<MediaBridgeOptions> options,
    ApologyAudio apology,
    ILogger<BridgeSession> logger)
{
    public ICallControl CallControl => callControl;
    public TranscriptQueue Transcripts => transcripts;
    public BridgeMetrics Metrics => metrics;
    public LeadStore Leads => leads;
    public TimeProvider Time => time;
    public MediaBridgeOptions Options => options.Value;
    public ReadOnlyMemory<byte> Apology => apology.Base64;
    public ILogger Logger => logger;

    public byte[] SessionUpdate(CallContext context) =>
        RealtimeEvents.SessionUpdate(context, options.Value.RealtimeModel, options.Value.TranscriptionModel);

    /// <summary>Connects and counts the socket; the returned link uncounts it when disposed.</summary>
    public async Task<IRealtimeLink> ConnectAsync(CancellationToken ct)
    {
        var link = await connector.ConnectAsync(ct).ConfigureAwait(false);
        metrics.SocketOpened();
        return new CountedLink(link, metrics);
    }

    private sealed class CountedLink(IRealtimeLink inner, BridgeMetrics metrics) : IRealtimeLink
    {
        private int _disposed;

        public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct) => inner.SendAsync(json, ct);

        public IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken ct) => inner.ReceiveAsync(ct);

        public Task CloseAsync(CancellationToken ct) => inner.CloseAsync(ct);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                inner.Dispose();
                metrics.SocketClosed();
            }
        }
    }
}

/// <summary>The μ-law apology clip, read once at start-up, base64 as Twilio wants it.</summary>
internal sealed class ApologyAudio(IOptions<MediaBridgeOptions> options)
{
    private readonly Lazy<byte[]> _base64 = new(() =>
        options.Value.ApologyAudio is { Length: > 0 } clip
            ? System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(Convert.FromBase64String(clip)))
            : options.Value.ApologyAudioFile is { Length: > 0 } path && File.Exists(path)
                ? System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(File.ReadAllBytes(path)))
                : []);

    public ReadOnlyMemory<byte> Base64 => _base64.Value;
}

/// <summary>
/// Accepts one Twilio Media Stream: waits for <c>start</c>, trusts nothing before the token is verified
/// (signature, expiry and CallSid), loads the call's context, opens the OpenAI session, then hands over to
/// <see cref="BridgeSession"/>.
/// </summary>
internal sealed class MediaStreamHandler(
    StreamTokens tokens,
    CallContextLoader loader,
    SessionServices services,
    BridgeMetrics metrics,
    ILogger<MediaStreamHandler> logger)
{
    // Twilio's start message with its custom parameters is a few hundred bytes; one that does not fit is refused.
    private const int StartBufferBytes = 16384;

    public async Task HandleAsync(MediaStreamSocket media, CancellationToken aborted)
    {
        var twilio = media.Socket;
        metrics.SessionOpened();
        metrics.SocketOpened();
        try
        {
            await RunAsync(media, aborted).ConfigureAwait(false);
        }
        finally
        {
            if (twilio.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await twilio.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException)
                {
                }
            }

            metrics.SocketClosed();
            metrics.SessionClosed();
        }
    }

    private async Task RunAsync(MediaStreamSocket media, CancellationToken aborted)
    {
        var twilio = media.Socket;
        var setup = Stopwatch.StartNew();
        using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        startTimeout.CancelAfter(services.Options.StartTimeout);
        StartMessage? start;
        try
        {
            start = await ReadStartAsync(twilio, startTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException)
        {
            start = null;
        }

        if (start is null)
        {
            await RejectAsync(twilio, "no start message").ConfigureAwait(false);
            return;
        }

        var error = tokens.Verify(start.Token, out var claims);
        if (error != StreamTokenError.None || claims is null)
        {
            await RejectAsync(twilio, $"token {error}").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(claims.CallSid, start.CallSid, StringComparison.Ordinal))
        {
            await RejectAsync(twilio, "token CallSid does not match the stream's").ConfigureAwait(false);
            return;
        }

        CallContext? context;
        IRealtimeLink link;
        try
        {
            context = await loader.LoadAsync(claims, aborted).ConfigureAwait(false);
            if (context is null)
            {
                await RejectAsync(twilio, "unknown tenant").ConfigureAwait(false);
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
        var session = new BridgeSession(media, context, start.StreamSid, link, services, aborted);
        await session.RunAsync().ConfigureAwait(false);
    }

    private async Task RejectAsync(WebSocket twilio, string reason)
    {
        metrics.StreamRejected();
        BridgeTrace.StreamRejected(logger, reason);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await twilio.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "rejected", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Reads <c>connected</c> and then <c>start</c>. Setup code, so it may allocate, but its buffer is pooled:
    /// the audio path allocates nothing, so no collection runs during a call and every call's set-up garbage
    /// would otherwise stay resident.
    /// </summary>
    private static async Task<StartMessage?> ReadStartAsync(WebSocket twilio, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(StartBufferBytes);
        try
        {
            return await ReadStartAsync(twilio, buffer, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<StartMessage?> ReadStartAsync(WebSocket twilio, byte[] buffer, CancellationToken ct)
    {
        while (true)
        {
            var filled = 0;
            ValueWebSocketReceiveResult r;
            do
            {
                if (filled == buffer.Length)
                {
                    return null;
                }

                r = await twilio.ReceiveAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                filled += r.Count;
            }
            while (!r.EndOfMessage);

            using var doc = JsonDocument.Parse(buffer.AsMemory(0, filled));
            var root = doc.RootElement;
            var kind = root.TryGetProperty("event", out var ev) ? ev.GetString() : null;
            if (kind == "connected")
            {
                continue;
            }

            if (kind != "start" || !root.TryGetProperty("start", out var s))
            {
                return null;
            }

            string? token = null;
            if (s.TryGetProperty("customParameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty(StreamTokens.ParameterName, out var t))
            {
                token = t.GetString();
            }

            var streamSid = root.TryGetProperty("streamSid", out var sid) ? sid.GetString() : s.TryGetProperty("streamSid", out var sid2) ? sid2.GetString() : null;
            var callSid = s.TryGetProperty("callSid", out var c) ? c.GetString() : null;
            // The stream SID is written verbatim into every outgoing envelope, so it must be a plain SID.
            return streamSid is null || callSid is null || !streamSid.All(char.IsAsciiLetterOrDigit)
                ? null
                : new StartMessage(streamSid, callSid, token);
        }
    }

    private sealed record StartMessage(string StreamSid, string CallSid, string? Token);
}
