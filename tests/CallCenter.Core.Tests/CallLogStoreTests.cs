using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CallLogStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private CallLogStore Calls => _services.GetRequiredService<CallLogStore>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Creating_a_call_twice_keeps_the_first_and_reports_the_second_as_existing()
    {
        var call = TestCalls.New("acme");

        var first = await Calls.CreateIfMissingAsync(call);
        var second = await Calls.CreateIfMissingAsync(TestCalls.New("acme", call.CallSid, from: "+15559999999"));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(call.From, second.Call.From);
        Assert.Single(await Calls.ListAsync("acme"));
        Assert.Equal("acme", await Calls.FindTenantAsync(call.CallSid));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // forward writes start from the copy this process remembers
    public async Task Fifty_concurrent_status_writes_to_one_call_end_completed_with_every_status_time_recorded(bool forward)
    {
        var call = TestCalls.New("acme");
        await Calls.CreateIfMissingAsync(call);
        var start = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        CallStatus[] path = [CallStatus.Queued, CallStatus.Initiated, CallStatus.Ringing, CallStatus.InProgress, CallStatus.Completed];
        var times = path.ToDictionary(s => s, s => start.AddSeconds((int)s * 3));
        var writes = Enumerable.Range(0, 50).Select(i => path[i % path.Length]).OrderBy(_ => Random.Shared.Next()).ToArray();

        await Task.WhenAll(writes.Select(status => Task.Run(() =>
        {
            Func<CallLog, bool> apply = c => CallStatusMachine.Apply(c, status, times[status]) is StatusOutcome.Advanced or StatusOutcome.RecordedLate;
            return forward ? Calls.UpdateForwardAsync("acme", call.CallSid, apply) : Calls.UpdateAsync("acme", call.CallSid, apply);
        })));

        var stored = await Calls.GetAsync("acme", call.CallSid);
        Assert.NotNull(stored);
        Assert.Equal(CallStatus.Completed, stored.Status);
        Assert.Equal(times, stored.StatusTimes);
    }

    [Fact]
    public async Task A_call_sid_held_by_one_tenant_cannot_be_created_under_another()
    {
        var call = TestCalls.New("tenant-a");
        await Calls.CreateIfMissingAsync(call);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Calls.CreateIfMissingAsync(TestCalls.New("tenant-b", call.CallSid)));

        // The claim and the rows are sent together: the rows tenant-b got meanwhile are gone, with their index rows.
        await AssertNoRowsAsync("tenant-b");
        Assert.NotNull(await Calls.GetAsync("tenant-a", call.CallSid));
        Assert.Single(await Calls.ListOpenAsync("tenant-a", DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task Rows_a_torn_create_left_under_a_tenant_the_claim_does_not_name_are_removed_by_the_next_create_there()
    {
        // Tenant-b's rows written, then the claim found to be tenant-a's and the process killed before it removed them.
        var call = TestCalls.New("tenant-b");
        await Calls.CreateIfMissingAsync(call);
        await _services.GetRequiredService<CallCenterTables>().CallIndex.UpsertEntityAsync(
            new TableEntity(call.CallSid, "call") { ["TenantId"] = "tenant-a" }, TableUpdateMode.Replace);
        var restarted = new CallLogStore(_services.GetRequiredService<CallCenterTables>());

        await Assert.ThrowsAsync<InvalidOperationException>(() => restarted.CreateIfMissingAsync(TestCalls.New("tenant-b", call.CallSid)));

        await AssertNoRowsAsync("tenant-b");
    }

    [Fact]
    public async Task A_create_whose_claim_fails_leaves_no_rows_behind()
    {
        await _services.GetRequiredService<CallCenterTables>().CallIndex.DeleteAsync();
        var call = TestCalls.New("acme");

        var failed = await Assert.ThrowsAsync<RequestFailedException>(() => Calls.CreateIfMissingAsync(call));

        Assert.Equal(404, failed.Status);
        await AssertNoRowsAsync("acme");
    }

    [Fact]
    public async Task A_claimed_call_is_not_dropped_as_unclaimed_and_an_unclaimed_one_is()
    {
        var claimed = TestCalls.New("acme");
        await Calls.CreateIfMissingAsync(claimed);
        var orphan = TestCalls.New("acme");
        await Calls.CreateIfMissingAsync(orphan);
        await _services.GetRequiredService<CallCenterTables>().CallIndex.DeleteEntityAsync(orphan.CallSid, "call");
        var restarted = new CallLogStore(_services.GetRequiredService<CallCenterTables>());

        Assert.False(await restarted.DropIfUnclaimedAsync(claimed));
        Assert.True(await restarted.DropIfUnclaimedAsync(orphan));

        Assert.Equal([claimed.CallSid], (await Calls.ListAsync("acme")).Select(c => c.CallSid));
        Assert.Equal([claimed.CallSid], (await Calls.ListOpenAsync("acme", DateTimeOffset.UtcNow.AddDays(1))).Select(r => r.CallSid));
        Assert.Equal([claimed.CallSid], (await Calls.ListNewestFirstAsync("acme", new CallListFilter(), null, 10)).Items.Select(c => c.CallSid));
    }

    /// <summary>No row at all in the tenant's partition: no call, no open row, no date index row.</summary>
    private async Task AssertNoRowsAsync(string tenantId)
    {
        var rows = _services.GetRequiredService<CallCenterTables>().Calls.QueryAsync<TableEntity>(e => e.PartitionKey == tenantId, select: ["RowKey"]);
        Assert.Empty(await rows.ToListAsync());
    }

    [Fact]
    public async Task Updating_a_call_the_tenant_does_not_have_returns_null_and_writes_nothing()
    {
        var result = await Calls.UpdateAsync("acme", "CA-missing", c => { c.Summary = "x"; return true; });

        Assert.Null(result);
        Assert.Empty(await Calls.ListAsync("acme"));
    }

    [Fact]
    public async Task A_forward_write_after_another_instance_changed_the_call_is_applied_to_the_stored_row()
    {
        var call = TestCalls.New("acme");
        await Calls.CreateIfMissingAsync(call);
        var elsewhere = new CallLogStore(_services.GetRequiredService<CallCenterTables>());
        var at = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        await elsewhere.UpdateAsync("acme", call.CallSid, c => { c.Summary = "kept"; return CallStatusMachine.Apply(c, CallStatus.InProgress, at) == StatusOutcome.Advanced; });

        var result = await Calls.UpdateForwardAsync("acme", call.CallSid, c => CallStatusMachine.Apply(c, CallStatus.Completed, at.AddMinutes(1)) == StatusOutcome.Advanced);

        var stored = await Calls.GetAsync("acme", call.CallSid);
        Assert.NotNull(stored);
        Assert.Equal(CallStatus.Completed, stored.Status);
        Assert.Equal("kept", stored.Summary);
        Assert.Equal([CallStatus.InProgress, CallStatus.Completed], stored.StatusTimes.Keys.Order());
        Assert.Equivalent(stored, result);
    }

    [Fact]
    public async Task The_last_known_call_is_the_one_this_process_last_wrote()
    {
        var call = TestCalls.New("acme");
        await Calls.CreateIfMissingAsync(call);
        await Calls.UpdateForwardAsync("acme", call.CallSid, c => CallStatusMachine.Apply(c, CallStatus.Ringing, call.CreatedAt) == StatusOutcome.Advanced);

        var known = await Calls.GetLastKnownAsync("acme", call.CallSid);

        Assert.Equal(CallStatus.Ringing, known?.Status);
        Assert.Null(await Calls.GetLastKnownAsync("acme", "CA-missing"));
    }

    [Fact]
    public async Task A_call_round_trips_every_field()
    {
        var call = TestCalls.New("acme");
        call.LeadId = "ld1";
        call.Status = CallStatus.Completed;
        call.StatusTimes[CallStatus.Ringing] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        call.DurationSeconds = 42;
        call.RecordingSid = "RE1";
        call.RecordingBlobPath = "acme/2026/01/02/x/RE1.wav";
        call.FinalTranscript = "hello";
        call.TranscriptSource = TranscriptSource.Recording;
        call.Summary = "asked for a quote";
        await Calls.CreateIfMissingAsync(call);

        var stored = await Calls.GetAsync("acme", call.CallSid);

        Assert.NotNull(stored);
        Assert.Equivalent(call, stored);
    }
}
