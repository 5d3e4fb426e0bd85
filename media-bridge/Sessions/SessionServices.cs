using CallCenter.Core.Calls;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Crm;
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
    ILogger<BridgeSession> logger,
    CallLogStore calls,
    CallbackRequests callbacks)
{
    public ICallControl CallControl => callControl;
    public TranscriptQueue Transcripts => transcripts;
    public BridgeMetrics Metrics => metrics;
    public LeadStore Leads => leads;
    public TimeProvider Time => time;
    public MediaBridgeOptions Options => options.Value;
    public ReadOnlyMemory<byte> Apology => apology.Base64;
    public ILogger Logger => logger;
    public CallLogStore Calls => calls;
    public CallbackRequests Callbacks => callbacks;

    public byte[] SessionUpdate(CallContext context) =>
        RealtimeEvents.SessionUpdate(context, options.Value.RealtimeModel, options.Value.TranscriptionModel);

    public byte[] SessionUpdate(CallContext context, bool respondToTurns) =>
        RealtimeEvents.SessionUpdate(context, options.Value.RealtimeModel, options.Value.TranscriptionModel, respondToTurns);

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
