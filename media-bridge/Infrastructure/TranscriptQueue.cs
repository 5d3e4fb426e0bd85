using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// The bounded hand-off between calls and the background writer. <see cref="TryEnqueue"/> never waits:
/// when the writer falls behind, events are dropped and counted rather than stalling the audio.
/// </summary>
public sealed class TranscriptQueue(IOptions<MediaBridgeOptions> options, BridgeMetrics metrics)
{
    private readonly Channel<TranscriptItem> _channel = Channel.CreateBounded<TranscriptItem>(
        new BoundedChannelOptions(options.Value.TranscriptQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });

    public ChannelReader<TranscriptItem> Reader => _channel.Reader;

    public bool TryEnqueue(TranscriptItem item)
    {
        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        metrics.EventDropped();
        return false;
    }
}
