using CallCenter.Core.Calls;
using CallCenter.Core.Events;

namespace CallCenter.MediaBridge.Infrastructure;

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
