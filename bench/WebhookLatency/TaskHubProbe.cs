using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// Reads the task hub's state straight from storage: how many of a phase's call workflows completed (the
/// instance table), and what messages the queues still hold. Its requests carry a client request id of their
/// own, so the storage counts leave them out.
/// </summary>
internal sealed class TaskHubProbe(string connectionString, string taskHub)
{
    private readonly TableClient _instances = new TableServiceClient(connectionString).GetTableClient(taskHub + "Instances");
    private readonly QueueServiceClient _queues = new(connectionString);
    private QueueClient Marker => _queues.GetQueueClient("wfbench-marker");

    public sealed record Completions(int Completed, int Total, DateTimeOffset? FirstCreated, DateTimeOffset? LastCompleted);

    public sealed record QueueState(string Name, int Messages, int Visible)
    {
        /// <summary>Messages no reader can see: delayed ones (durable timers) or ones a reader holds.</summary>
        public int Invisible => Messages - Visible;
    }

    /// <summary>
    /// A cheap request (does a queue that is never created exist?) named in Azurite's log by its client request id:
    /// it marks a point in the log's order, which is the order Azurite started its requests in (the log's own
    /// times lag behind when Azurite is busy, so they cannot tell what came before what).
    /// </summary>
    public async Task MarkAsync(string name)
    {
        using var scope = HttpPipeline.CreateClientRequestIdScope(StorageRequest.MarkerPrefix + name);
        await Marker.ExistsAsync();
    }

    public async Task<Completions> CompletionsAsync(uint tag)
    {
        using var scope = HttpPipeline.CreateClientRequestIdScope(StorageReport.BenchRequestId);
        var prefix = CallSids.InstancePrefix(tag);
        int completed = 0, total = 0;
        DateTimeOffset? first = null, last = null;
        // The phase's instance ids share the prefix; after it come only hex digits, all below 'g'.
        await foreach (var row in _instances.QueryAsync<TableEntity>(
            $"PartitionKey ge '{prefix}' and PartitionKey lt '{prefix}g'", select: ["PartitionKey", "RuntimeStatus", "CreatedTime", "CompletedTime"]))
        {
            total++;
            if (row.GetDateTimeOffset("CreatedTime") is { } created && (first is null || created < first))
            {
                first = created;
            }

            if (row.GetString("RuntimeStatus") == "Completed")
            {
                completed++;
                if (row.GetDateTimeOffset("CompletedTime") is { } at && (last is null || at > last))
                {
                    last = at;
                }
            }
        }

        return new Completions(completed, total, first, last);
    }

    /// <summary>Every queue of the account with its message count (Azurite counts invisible messages too) and the visible ones (peeked, at most 32).</summary>
    public async Task<List<QueueState>> QueuesAsync()
    {
        using var scope = HttpPipeline.CreateClientRequestIdScope(StorageReport.BenchRequestId);
        List<QueueState> states = [];
        await foreach (var item in _queues.GetQueuesAsync())
        {
            var queue = _queues.GetQueueClient(item.Name);
            var properties = await queue.GetPropertiesAsync();
            var visible = (await queue.PeekMessagesAsync(32)).Value.Length;
            states.Add(new QueueState(item.Name, properties.Value.ApproximateMessagesCount, visible));
        }

        return states;
    }
}
