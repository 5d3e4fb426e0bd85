namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>How the bridge exchanges events over the SDK's session; both send and receive raw GA JSON.</summary>
public enum RealtimeTransport
{
    /// <summary>The SDK's protocol methods: <c>SendCommandAsync(BinaryData)</c> and <c>ReceiveUpdatesAsync(RequestOptions)</c>.</summary>
    SdkProtocol,

    /// <summary>
    /// The WebSocket the SDK opened (<c>RealtimeSessionClient.WebSocket</c>), read into and written from pooled
    /// buffers: no copy or object per message. Chosen by measurement, see docs/benchmarks.md.
    /// </summary>
    SdkSocket,
}
