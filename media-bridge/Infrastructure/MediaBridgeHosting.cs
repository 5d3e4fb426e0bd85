using CallCenter.Core.Telemetry;
using CallCenter.MediaBridge.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

public static class MediaBridgeHosting
{
    /// <summary>
    /// Free 4 KiB blocks Kestrel's pool keeps between uses (256 KiB): a relay has a few reads and writes in flight
    /// at a time, each returning its block within the frame.
    /// </summary>
    public const int KeptPoolBlocks = 64;

    /// <summary>
    /// The bridge's whole host, as Program.cs runs it and the tests start it: services, Kestrel on the public
    /// and the internal port, and its socket transport.
    /// </summary>
    public static WebApplicationBuilder AddMediaBridgeHost(this WebApplicationBuilder builder)
    {
        builder.Services.AddMediaBridge(builder.Configuration);
        builder.AddCallCenterTelemetry("callcenter-media-bridge");
        builder.WebHost.UseMediaBridgeSockets(builder.Configuration);

        // Two listeners: the ingress forwards only to the public one (see infra/modules/media-bridge.bicep).
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<MediaBridgeOptions>>((kestrel, bridge) =>
            {
                kestrel.ListenAnyIP(bridge.Value.Port);
                kestrel.ListenAnyIP(bridge.Value.InternalPort);
            });
        return builder;
    }

    public static WebApplication UseMediaBridge(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapMediaBridge();
        return app;
    }

    /// <summary>
    /// Kestrel's socket transport for a relay. <c>MediaBridge:InlineSocketScheduling</c> (default on) runs
    /// Kestrel's continuations on the I/O thread: with the runtime's inline socket completions (the container's
    /// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) a Twilio message is read, parsed and sent on to
    /// OpenAI on the socket engine's thread, with no thread-pool hop (measured: the hop's wake-ups were a fifth of
    /// the bridge's CPU). Nothing the bridge runs there may block: call set-up is asynchronous throughout, and
    /// tools, hangups and transcripts run as pool tasks. Off restores the hop; see docs/benchmarks.md.
    /// <c>MediaBridge:WaitForDataBeforeAllocatingBuffer</c> (default off; on is Kestrel's default): on, Kestrel waits for
    /// each message with a zero-byte read (a one-byte peek on Linux) before the read that takes it (measured off: 2.0 →
    /// 1.7 receive calls per relayed frame at 100 calls); off holds one 4 KiB pool block per waiting connection instead
    /// (docs/benchmarks.md, "Bridge CPU per frame, third pass").
    /// <c>MediaBridge:BoundedMemoryPool</c> (default on) gives Kestrel <see cref="BoundedMemoryPoolFactory"/>, which keeps
    /// at most <see cref="KeptPoolBlocks"/> free blocks; off is Kestrel's own pool, for measuring one against the other.
    /// </summary>
    public static IWebHostBuilder UseMediaBridgeSockets(this IWebHostBuilder host, IConfiguration configuration)
    {
        var inline = configuration.GetValue($"{MediaBridgeOptions.Section}:InlineSocketScheduling", true);
        var waitForData = configuration.GetValue($"{MediaBridgeOptions.Section}:WaitForDataBeforeAllocatingBuffer", false);
        if (configuration.GetValue($"{MediaBridgeOptions.Section}:BoundedMemoryPool", true))
        {
            // Kestrel registers its own factory with TryAdd; the transport takes whichever the container holds.
            host.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IMemoryPoolFactory<byte>>(new BoundedMemoryPoolFactory(KeptPoolBlocks))));
        }

        return host.UseSockets(o =>
        {
            o.UnsafePreferInlineScheduling = inline;
            o.WaitForDataBeforeAllocatingBuffer = waitForData;

            // What the transport reads of a connection ahead of the app (default 1 MiB, in pooled blocks that
            // the pool keeps): a call needs no more than two of its largest messages.
            o.MaxReadBufferSize = 2 * TwilioMessageBuffer.MaxMessageBytes;
        });
    }
}
