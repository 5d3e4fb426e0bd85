using System.Threading.Channels;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Storage;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>A turn to store and publish, or only a live event (Turn null).</summary>
public readonly record struct TranscriptItem(string TenantId, ConversationTurn? Turn, LiveEvent Live);

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

/// <summary>Drains the queue in batches: one table transaction per tenant and batch, then the live events.</summary>
internal sealed class TranscriptWriter(
    TranscriptQueue queue, TurnStore turns, ILiveEvents live, ILogger<TranscriptWriter> logger) : BackgroundService
{
    private const int MaxBatch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TranscriptItem>(MaxBatch);
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteAsync(batch, stoppingToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(List<TranscriptItem> batch, CancellationToken ct)
    {
        foreach (var group in batch.GroupBy(i => i.TenantId, StringComparer.Ordinal))
        {
            var tenantTurns = group.Where(i => i.Turn is not null).Select(i => i.Turn!).ToList();
            try
            {
                if (tenantTurns.Count > 0)
                {
                    await turns.AppendAsync(group.Key, tenantTurns, ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                BridgeTrace.TranscriptWriteFailed(logger, tenantTurns.Count, group.Key, e);
            }

            // One message per tenant and batch: the dashboards get the batch's events in order.
            try
            {
                await live.PublishAsync(group.Key, group.Select(i => i.Live).ToList(), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                BridgeTrace.LiveEventsFailed(logger, group.Count(), group.Key, e);
            }
        }
    }
}
