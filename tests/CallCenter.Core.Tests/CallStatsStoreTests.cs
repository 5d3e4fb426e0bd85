using CallCenter.Core.Calls;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

/// <summary>The per-tenant day aggregate on Azurite: every call counted exactly once, whatever repeats or races.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallStatsStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 3, 2);
    private ServiceProvider _services = null!;
    private CallStatsStore Stats => _services.GetRequiredService<CallStatsStore>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_call_added_again_by_a_replayed_step_is_counted_once()
    {
        var entry = new CallStatsEntry(Sid(), Day, CallOutcomes.Completed, 3, 0.123456m, [500, 900]);

        Assert.True(await Stats.AddOnceAsync("acme", entry));
        Assert.False(await Stats.AddOnceAsync("acme", entry));
        Assert.False(await Stats.AddOnceAsync("acme", entry with { Minutes = 99 }));

        var day = Assert.Single(await Stats.ListAsync("acme", Day, Day));
        Assert.Equal((1, 3L, 0.123456m, 1), (day.Calls, day.Minutes, day.Cost, day.Outcomes[CallOutcomes.Completed]));
        Assert.Equal(950, day.P95LatencyMs);
    }

    [Fact]
    public async Task Calls_racing_on_one_day_each_with_duplicates_are_all_counted_exactly_once()
    {
        var entries = Enumerable.Range(0, 12)
            .Select(i => new CallStatsEntry(Sid(), Day, CallOutcomes.All[i % CallOutcomes.All.Count], i, i * 0.01m, [i * 100]))
            .ToList();

        // Each call three times, all at once: duplicate callbacks and replays racing other calls of the day.
        var added = await Task.WhenAll(entries.Concat(entries).Concat(entries).Select(e => Stats.AddOnceAsync("race", e)));

        Assert.Equal(12, added.Count(a => a));
        var day = Assert.Single(await Stats.ListAsync("race", Day, Day));
        Assert.Equal(12, day.Calls);
        Assert.Equal(entries.Sum(e => (long)e.Minutes), day.Minutes);
        Assert.Equal(entries.Sum(e => e.Cost), day.Cost);
        Assert.All(CallOutcomes.All, o => Assert.Equal(entries.Count(e => e.Outcome == o), day.Outcomes[o]));
        Assert.Equal(12, day.LatencyCounts.Sum());
    }

    [Fact]
    public async Task A_day_storage_refuses_as_bad_fails_at_once_as_permanent_and_counts_nothing()
    {
        // '#' is not allowed in a row key: Azure Storage answers the transaction 400, and would again.
        var entry = new CallStatsEntry("CA#" + Guid.NewGuid().ToString("N"), Day, CallOutcomes.Completed, 1, 0m, []);

        var refused = await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => Stats.AddOnceAsync("refused", entry));

        Assert.Equal(400, refused.Status);
        Assert.True(Faults.Failures.IsPermanent(refused));
        Assert.Equal(0, Assert.Single(await Stats.ListAsync("refused", Day, Day)).Calls);
    }

    [Fact]
    public async Task Every_day_of_a_range_is_listed_with_zeros_where_no_call_was_counted_and_no_other_tenants_calls()
    {
        await Stats.AddOnceAsync("mine", new CallStatsEntry(Sid(), Day.AddDays(1), CallOutcomes.Busy, 0, 0m, []));
        await Stats.AddOnceAsync("theirs", new CallStatsEntry(Sid(), Day, CallOutcomes.Completed, 5, 1m, [700]));

        var days = await Stats.ListAsync("mine", Day, Day.AddDays(2));

        Assert.Equal([Day, Day.AddDays(1), Day.AddDays(2)], days.Select(d => d.Date));
        Assert.Equal([0, 1, 0], days.Select(d => d.Calls));
        Assert.Equal(1, days[1].Outcomes[CallOutcomes.Busy]);
        Assert.All(days, d => Assert.Null(d.P95LatencyMs));
    }

    [Fact]
    public void The_day_p95_is_the_upper_bound_of_the_bucket_holding_the_95th_percent_of_turns()
    {
        var counts = new int[LatencyHistogram.Buckets];
        foreach (var ms in Enumerable.Range(1, 100).Select(i => i * 30))
        {
            counts[LatencyHistogram.BucketOf(ms)]++;
        }

        // The 95th of 100 turns is 2850 ms: bucket 2750-3000 ms.
        Assert.Equal(3000, LatencyHistogram.Percentile(counts, 95));
        Assert.Equal(1550, LatencyHistogram.Percentile(counts, 50));
        Assert.Null(LatencyHistogram.Percentile(new int[LatencyHistogram.Buckets], 95));
        Assert.Equal(10_000, LatencyHistogram.UpperBound(LatencyHistogram.BucketOf(60_000)));
    }

    [Fact]
    public void A_calls_percentiles_are_nearest_rank_over_its_turns()
    {
        var at = DateTimeOffset.UtcNow;
        var latency = CallLatency.Of([new(at, 900, LatencyTurn.Greeting), .. Enumerable.Range(1, 19).Select(i => new LatencyTurn(at, i * 100, LatencyTurn.Turn))])!;

        // Sorted: 100 … 900, 900, 1000 … 1900; the 10th and the 19th of 20.
        Assert.Equal((900, 900, 1800, 1900), (latency.GreetingMs!.Value, latency.P50Ms, latency.P95Ms, latency.MaxMs));
        Assert.Null(CallLatency.Of([]));
    }

    private static string Sid() => "CA" + Guid.NewGuid().ToString("N");
}
