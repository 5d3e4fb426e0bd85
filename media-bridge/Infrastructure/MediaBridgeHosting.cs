namespace CallCenter.MediaBridge.Infrastructure;

public static class MediaBridgeHosting
{
    /// <summary>
    /// Kestrel's socket transport for a relay. <c>MediaBridge:InlineSocketScheduling</c> (default off) runs
    /// Kestrel's continuations on the I/O thread. Measured: together with the runtime's inline socket
    /// completions (the container's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) the bridge stopped
    /// accepting connections at a few hundred calls, so only one of the two is on; see docs/benchmarks.md.
    /// <c>MediaBridge:WaitForDataBeforeAllocatingBuffer</c> (default on, Kestrel's default) is there to measure
    /// reads without Kestrel's zero-byte read first; off measured no different.
    /// </summary>
    public static IWebHostBuilder UseMediaBridgeSockets(this IWebHostBuilder host, IConfiguration configuration)
    {
        var inline = configuration.GetValue($"{MediaBridgeOptions.Section}:InlineSocketScheduling", false);
        var waitForData = configuration.GetValue($"{MediaBridgeOptions.Section}:WaitForDataBeforeAllocatingBuffer", true);
        return host.UseSockets(o =>
        {
            o.UnsafePreferInlineScheduling = inline;
            o.WaitForDataBeforeAllocatingBuffer = waitForData;
        });
    }
}
