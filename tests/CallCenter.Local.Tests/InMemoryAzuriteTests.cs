using Azure.Storage.Queues;
using CallCenter.DevServices;

namespace CallCenter.Local.Tests;

/// <summary>
/// The benchmarks' Azurite, in memory, sweeps its deleted queue messages every second instead of every minute
/// (a minute's sweep held every request for seconds: docs/benchmarks.md, "Voice webhook tail").
/// </summary>
public sealed class InMemoryAzuriteTests
{
    [Fact]
    public async Task In_memory_azurite_sweeps_its_deleted_queue_messages_every_second()
    {
        var log = Path.Combine(Directory.CreateTempSubdirectory("callcenter-azurite-log-").FullName, "azurite.log");
        try
        {
            await using (await AzuriteServer.StartInMemoryAsync(log))
            {
                // One sweep at start, then one a second: with Azurite's own minute there would be only the first.
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (Sweeps(log) < 4 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(250);
                }
            }

            Assert.True(Sweeps(log) >= 4, $"{Sweeps(log)} queue sweeps in Azurite's log");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(log)!, recursive: true);
        }
    }

    [Fact]
    public async Task Messages_still_queued_keep_their_text_through_the_sweeps()
    {
        await using var azurite = await AzuriteServer.StartInMemoryAsync();
        var queue = new QueueClient(azurite.ConnectionString, "sweep-check");
        await queue.CreateAsync();
        for (var i = 0; i < 100; i++)
        {
            await queue.SendMessageAsync($"message {i}");
        }

        // Half read and deleted (their texts freed by the next sweep), half left in the queue across several sweeps.
        var first = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value.Concat((await queue.ReceiveMessagesAsync(18, TimeSpan.FromMinutes(1))).Value).ToList();
        foreach (var message in first)
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var rest = new List<string>();
        while ((await queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            rest.AddRange(batch.Select(m => m.Body.ToString()));
            foreach (var message in batch)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        var all = first.Select(m => m.Body.ToString()).Concat(rest).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(50, first.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"message {i}").Order(StringComparer.Ordinal), all);
    }

    private static int Sweeps(string log)
    {
        if (!File.Exists(log))
        {
            return 0;
        }

        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            count += line.Contains("QueueGCManager:markSweepLoop() Mark and sweep finished", StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }
}
