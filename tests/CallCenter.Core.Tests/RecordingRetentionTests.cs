using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Core.Tests;

/// <summary>Retention on Azurite under a fake clock: three tenants with different retentions, each with calls of several ages.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RecordingRetentionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly int[] AgesInDays = [10, 40, 400];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    private RecordingRetention Retention => _services.GetRequiredService<RecordingRetention>();
    private CallLogStore Calls => _services.GetRequiredService<CallLogStore>();
    private TurnStore Turns => _services.GetRequiredService<TurnStore>();
    private RecordingStore Recordings => _services.GetRequiredService<RecordingStore>();

    public async Task InitializeAsync()
    {
        _services = await azurite.CreateServicesAsync((services, _) => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock)));
        var tenants = _services.GetRequiredService<TenantStore>();
        await tenants.SaveAsync(new Tenant { Id = "week", Name = "Kept a week", RecordingRetentionDays = 7 });
        await tenants.SaveAsync(new Tenant { Id = "month", Name = "Kept a month, transcripts too", RecordingRetentionDays = 30, DeleteTranscriptsOnRetention = true });
        await tenants.SaveAsync(new Tenant { Id = "year", Name = "Kept a year", RecordingRetentionDays = 365 });
        foreach (var tenant in new[] { "week", "month", "year" })
        {
            foreach (var age in AgesInDays)
            {
                await SeedCallAsync(tenant, age);
            }
        }
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Each_tenants_recordings_past_its_own_retention_are_deleted_and_transcripts_only_where_the_tenant_asks()
    {
        var deleted = await Retention.RunAsync();

        Assert.Equal(
            ["month/month-d40 recording+transcript", "month/month-d400 recording+transcript", "week/week-d10 recording", "week/week-d40 recording", "week/week-d400 recording", "year/year-d400 recording"],
            deleted.Select(d => $"{d.TenantId}/{d.CallSid} {(d.RecordingPath is null ? "" : "recording")}{(d.Transcript ? "+transcript" : "")}").Order());
        foreach (var (tenant, age, expired) in new[]
        {
            ("week", 10, true), ("week", 40, true), ("week", 400, true),
            ("month", 10, false), ("month", 40, true), ("month", 400, true),
            ("year", 10, false), ("year", 40, false), ("year", 400, true),
        })
        {
            var call = (await Calls.GetAsync(tenant, CallSid(tenant, age)))!;
            Assert.Equal(!expired, await Recordings.ExistsAsync(tenant, call.RecordingBlobPath!));
            Assert.Equal(expired ? _clock.GetUtcNow() : null, call.RecordingDeletedAt);
            var transcriptGone = expired && tenant == "month";
            Assert.Equal(transcriptGone, call.TranscriptDeletedAt is not null);
            Assert.Equal(transcriptGone, call.FinalTranscript is null);
            Assert.Equal(transcriptGone ? 0 : 2, (await Turns.ListAsync(tenant, call.CallSid)).Count);
        }
    }

    [Fact]
    public async Task A_second_run_deletes_nothing_and_records_nothing_new()
    {
        Assert.NotEmpty(await Retention.RunAsync());
        var before = await SnapshotAsync();

        var again = await Retention.RunAsync();

        Assert.Empty(again);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_call_reaches_its_retention_as_the_clock_moves_on()
    {
        await Retention.RunAsync();
        Assert.True(await Recordings.ExistsAsync("month", (await Calls.GetAsync("month", CallSid("month", 10)))!.RecordingBlobPath!));

        _clock.Advance(TimeSpan.FromDays(21));
        var deleted = await Retention.RunAsync();

        var only = Assert.Single(deleted);
        Assert.Equal(("month", CallSid("month", 10), true), (only.TenantId, only.CallSid, only.Transcript));
        Assert.False(await Recordings.ExistsAsync("month", only.RecordingPath!));
    }

    // CallSids are global (the CallSid index), so each tenant's calls have their own.
    private static string CallSid(string tenantId, int ageInDays) => $"{tenantId}-d{ageInDays}";

    private async Task SeedCallAsync(string tenantId, int ageInDays)
    {
        var callSid = CallSid(tenantId, ageInDays);
        var started = _clock.GetUtcNow().AddDays(-ageInDays).AddHours(-1);
        var path = RecordingPaths.For(tenantId, started, callSid, "RE" + callSid, "wav");
        await Calls.CreateIfMissingAsync(new CallLog
        {
            TenantId = tenantId, CallSid = callSid, Direction = CallDirection.Inbound, From = "+15550001111", To = "+15550002222",
            CreatedAt = started, RecordingBlobPath = path, FinalTranscript = "Agent: hello\nCaller: hi",
        });
        await Recordings.UploadIfAbsentAsync(tenantId, path, new MemoryStream([1, 2, 3]), "audio/wav");
        await Turns.AppendAsync(tenantId,
        [
            new ConversationTurn(callSid, 1, TurnRole.Agent, "hello", TimeSpan.Zero),
            new ConversationTurn(callSid, 2, TurnRole.Caller, "hi", TimeSpan.FromSeconds(1)),
        ]);
    }

    /// <summary>Every call row (with its timestamp, so a rewrite shows), blob and turn of the three tenants.</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        var tables = _services.GetRequiredService<CallCenterTables>();
        var rows = new List<string>();
        await foreach (var e in tables.Calls.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            rows.Add($"call {e.PartitionKey}/{e.RowKey} {e.ETag}");
        }

        await foreach (var e in tables.Turns.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            rows.Add($"turn {e.PartitionKey}/{e.RowKey}");
        }

        await foreach (var b in tables.Recordings.GetBlobsAsync())
        {
            rows.Add($"blob {b.Name}");
        }

        return [.. rows.Order()];
    }
}
