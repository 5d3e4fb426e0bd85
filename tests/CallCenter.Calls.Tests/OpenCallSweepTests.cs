using System.Globalization;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The open-call sweep on the real engine (Azurite), its clock a <see cref="FakeTimeProvider"/>: no call is left
/// without its workflow, and a call is started by the sweep only once its wait is over, once.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class OpenCallSweepTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    private CallWorkflowTimings Timings => _host.Get<IOptions<CallWorkflowOptions>>().Value.Timings;

    [Fact]
    public async Task A_recorded_call_whose_recording_never_comes_is_started_by_the_first_sweep_after_the_recording_timeout_and_only_once()
    {
        var tenant = await _host.NewTenantAsync();
        var callSid = TwilioCall.NewCallSid();
        var number = tenant.VoiceNumbers[0];
        var createdAt = DateTimeOffset.UtcNow;
        var endedAt = createdAt + TimeSpan.FromMinutes(2);
        await _host.PostTwilioOkAsync("/api/twilio/voice", TwilioCall.Voice(callSid, number));
        await _host.PostTwilioOkAsync("/api/twilio/status", EndedAt(TwilioCall.Status(callSid, number, "completed", 3), endedAt));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));

        // Within the wait the call is left to its recording, whether the sweep lists its row (created long enough
        // ago) or not.
        Assert.Equal(0, await Sweeper(createdAt + TimeSpan.FromMinutes(1)).SweepTenantAsync(_host.Durable, tenant.Id));
        Assert.Equal(0, await Sweeper(createdAt + Timings.RecordingTimeout + TimeSpan.FromSeconds(30)).SweepTenantAsync(_host.Durable, tenant.Id));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
        Assert.Single(await _host.Get<CallLogStore>().ListOpenAsync(tenant.Id, DateTimeOffset.UtcNow.AddDays(1)));

        var late = Sweeper(endedAt + Timings.RecordingTimeout + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await late.SweepTenantAsync(_host.Durable, tenant.Id));
        var done = await _host.CallWorkflowCompletedAsync(callSid);

        var input = done.ReadInputAs<CallWorkflowInput>()!;
        Assert.True(input.Swept);
        Assert.Equal("completed", input.Ended?.Status);
        Assert.Equal("completed", done.ReadOutputAs<CallWorkflowResult>()!.EndStatus);
        var history = await HistoryAsync(callSid);
        Assert.Single(history, e => e == "ExecutionStarted");
        Assert.DoesNotContain(history, e => e == "TimerCreated");
        Assert.NotNull((await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.WorkflowFinishedAt);

        // The call's open row is gone: another sweep, even much later, reads nothing and starts nothing.
        Assert.Empty(await _host.Get<CallLogStore>().ListOpenAsync(tenant.Id, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(0, await Sweeper(endedAt + TimeSpan.FromDays(1)).SweepTenantAsync(_host.Durable, tenant.Id));
        Assert.Single(await HistoryAsync(callSid), e => e == "ExecutionStarted");
    }

    [Fact]
    public async Task A_call_whose_end_is_never_reported_is_started_with_the_end_unknown_after_the_bound_on_a_call_length()
    {
        var tenant = await _host.NewTenantAsync();
        var callSid = TwilioCall.NewCallSid();
        var createdAt = DateTimeOffset.UtcNow;
        await _host.PostTwilioOkAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));

        Assert.Equal(0, await Sweeper(createdAt + Timings.CallEndTimeout - TimeSpan.FromMinutes(1)).SweepTenantAsync(_host.Durable, tenant.Id));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));

        Assert.Equal(1, await Sweeper(createdAt + Timings.CallEndTimeout + TimeSpan.FromMinutes(1)).SweepTenantAsync(_host.Durable, tenant.Id));
        var done = await _host.CallWorkflowCompletedAsync(callSid);

        Assert.Null(done.ReadInputAs<CallWorkflowInput>()!.Ended);
        Assert.Null(done.ReadOutputAs<CallWorkflowResult>()!.EndStatus);
        Assert.DoesNotContain(await HistoryAsync(callSid), e => e == "TimerCreated" || e == "EventRaised");
        Assert.Empty(await _host.Get<CallLogStore>().ListOpenAsync(tenant.Id, DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task Calls_whose_workflow_ran_are_closed_by_the_sweep_without_a_second_start()
    {
        var tenant = await _host.NewTenantAsync();
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());
        await _host.AnsweredCallAsync(tenant, callSid, recordingSid);
        var first = await _host.CallWorkflowCompletedAsync(callSid);
        Assert.Single(await _host.Get<CallLogStore>().ListOpenAsync(tenant.Id, DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(0, await Sweeper(DateTimeOffset.UtcNow + Timings.CallEndTimeout + TimeSpan.FromMinutes(1)).SweepTenantAsync(_host.Durable, tenant.Id));

        Assert.Empty(await _host.Get<CallLogStore>().ListOpenAsync(tenant.Id, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(first.CreatedAt, (await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)))!.CreatedAt);
        Assert.Single(await HistoryAsync(callSid), e => e == "ExecutionStarted");
    }

    [Fact]
    public async Task Rows_a_torn_create_left_under_a_tenant_the_claim_does_not_name_are_removed_by_the_sweep_and_start_nothing()
    {
        // Tenant B's rows written, the CallSid's claim found to be tenant A's, and the process killed before it
        // removed B's rows: B has an open call no status callback will ever reach.
        var (a, b) = (await _host.NewTenantAsync(), await _host.NewTenantAsync());
        var callSid = TwilioCall.NewCallSid();
        var createdAt = DateTimeOffset.UtcNow;
        await _host.PostTwilioOkAsync("/api/twilio/voice", TwilioCall.Voice(callSid, b.VoiceNumbers[0]));
        await _host.Get<CallCenterTables>().CallIndex.UpsertEntityAsync(new TableEntity(callSid, "call") { ["TenantId"] = a.Id }, TableUpdateMode.Replace);

        // Another instance sweeps: it knows nothing of the call but what storage says.
        var sweeper = Sweeper(createdAt + Timings.CallEndTimeout + TimeSpan.FromMinutes(1), new CallLogStore(_host.Get<CallCenterTables>()));
        Assert.Equal(0, await sweeper.SweepTenantAsync(_host.Durable, b.Id));

        Assert.Null(await _host.Get<CallLogStore>().GetAsync(b.Id, callSid));
        Assert.Empty(await _host.Get<CallLogStore>().ListOpenAsync(b.Id, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Empty((await _host.Get<CallLogStore>().ListNewestFirstAsync(b.Id, new CallListFilter(), null, 10)).Items);
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }

    private OpenCallSweeper Sweeper(DateTimeOffset now, CallLogStore? calls = null) => new(
        _host.Get<TenantStore>(), calls ?? _host.Get<CallLogStore>(), _host.Get<CallWorkflowSignals>(), _host.Get<IOptions<CallWorkflowOptions>>(),
        new FakeTimeProvider(now), NullLogger<OpenCallSweeper>.Instance);

    /// <summary>A status callback stamped with a time of the test's choosing (Twilio's <c>Timestamp</c>).</summary>
    private static Dictionary<string, string> EndedAt(Dictionary<string, string> form, DateTimeOffset at)
    {
        form["Timestamp"] = at.ToString("r", CultureInfo.InvariantCulture);
        return form;
    }

    private async Task<List<string>> HistoryAsync(string callSid)
    {
        var table = new TableClient(fixture.StorageConnectionString, _host.Host.TaskHub + "History");
        var events = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == CallWorkflowNames.InstanceId(callSid)))
        {
            events.Add(e.GetString("EventType") ?? "");
        }

        return events;
    }
}
