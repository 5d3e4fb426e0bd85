namespace CallCenter.MediaBridge.Infrastructure;

public static class MediaBridgeHosting
{
    /// <summary>
    /// Kestrel's socket transport for a relay: with <c>MediaBridge:InlineSocketScheduling</c> (default on)
    /// socket completions continue on the I/O thread instead of hopping to the thread pool for every frame.
    /// Safe here because nothing on the audio path blocks; tools and the hangup run on pool tasks.
    /// </summary>
    public static IWebHostBuilder UseMediaBridgeSockets(this IWebHostBuilder host, IConfiguration configuration)
    {
        var inline = configuration.GetValue($"{MediaBridgeOptions.Section}:InlineSocketScheduling", true);
        return host.UseSockets(o => o.UnsafePreferInlineScheduling = inline);
    }
}
