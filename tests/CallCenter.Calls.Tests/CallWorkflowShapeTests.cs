using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.Extensions.Options;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The call workflow's shape on the real engine (Azurite), read from the engine's own history table: it starts
/// once, at the last of the end and the recording, with both in its input; it is one activity and no timer; a
/// recording that comes before or after the end is processed once.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class CallWorkflowShapeTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_call_without_a_recording_is_one_activity_and_leaves_no_durable_timer()
    {
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.RealtimeOnly);
        tenant = tenant with { UnrecordedNumbers = [tenant.VoiceNumbers[0]] };
        await _host.Get<TenantStore>().SaveAsync(tenant);
        var callSid = TwilioCall.NewCallSid();
        await _host.PostTwilioOkAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        await _host.Get<TurnStore>().AppendAsync(tenant.Id,
        [
            new ConversationTurn(callSid, 1, TurnRole.Agent, "Hello, how can I help?", TimeSpan.Zero),
            new ConversationTurn(callSid, 2, TurnRole.Caller, "I need a plumber.", TimeSpan.FromSeconds(2)),
        ]);
        await _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3));

        var result = (await _host.CallWorkflowCompletedAsync(callSid)).ReadOutputAs<CallWorkflowResult>()!;

        Assert.Equal("completed", result.EndStatus);
        Assert.Equal(TranscriptSource.Realtime, result.TranscriptSource);
        Assert.True(result.Summarized);
        var history = await HistoryAsync(callSid);
        Assert.DoesNotContain(history, e => e.Type == "TimerCreated");
        Assert.Equal([nameof(CompleteCall)], history.Where(e => e.Type == "TaskScheduled").Select(e => e.Name));
        var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
        Assert.NotNull(call!.WorkflowFinishedAt);
        Assert.NotNull(call.Summary);
        Assert.NotNull(call.Cost);
    }

    [Fact]
    public async Task Duplicate_late_and_other_instances_terminal_statuses_wait_for_the_recording_which_starts_one_workflow_with_both()
    {
        var (tenant, number, callSid, recordingSid) = await AnsweredCallAsync();
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));

        // Three deliveries of the end at once, a late in-progress, and the end again through signals that remember
        // nothing (another instance, or this one restarted): a recording is to come, so none of them starts it.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3))));
        await _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "in-progress", 2));
        await Elsewhere().CallEndedAsync(tenant.Id, callSid, new CallEnded("completed", 42));
        await _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
        await _host.PostTwilioOkAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
        var started = await _host.Durable.WaitForInstanceStartAsync(CallWorkflowNames.InstanceId(callSid), getInputsAndOutputs: true);

        var done = await _host.CallWorkflowCompletedAsync(callSid);

        Assert.Equal(started.CreatedAt, done.CreatedAt);
        var input = started.ReadInputAs<CallWorkflowInput>()!;
        Assert.Equal(new CallEnded("completed", 42), input.Ended);
        Assert.True(input.Plan!.RecordingExpected);
        Assert.Equal(recordingSid, input.Plan.ParkedRecording?.RecordingSid);
        var history = await HistoryAsync(callSid);
        Assert.Single(history, e => e.Type == "ExecutionStarted");
        Assert.DoesNotContain(history, e => e.Type == "TimerCreated");
        Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
    }

    [Fact]
    public async Task The_end_and_the_recording_delivered_together_and_repeatedly_on_two_instances_start_one_workflow_with_both_and_no_timer()
    {
        var tenant = await _host.NewTenantAsync();
        var number = tenant.VoiceNumbers[0];
        var calls = Enumerable.Range(0, 8).Select(_ => (CallSid: TwilioCall.NewCallSid(), RecordingSid: TwilioCall.NewRecordingSid())).ToList();
        foreach (var (callSid, _) in calls)
        {
            await _host.PostTwilioOkAsync("/api/twilio/voice", TwilioCall.Voice(callSid, number));
        }

        // Per call, at once: the end three times and the recording three times on this instance, and the end and the
        // recording (parked first, as its callback does) through signals of another instance that remembers nothing.
        await Task.WhenAll(calls.SelectMany(c =>
        {
            var recording = TwilioCall.Recording(c.CallSid, c.RecordingSid, _host.Twilio.RecordingUrl(c.RecordingSid));
            var ready = new RecordingReady(c.RecordingSid, _host.Twilio.RecordingUrl(c.RecordingSid).AbsoluteUri, "completed", 42, 1);
            return Enumerable.Range(0, 3).SelectMany(_ => new[]
            {
                Task.Run(() => _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(c.CallSid, number, "completed", 3))),
                Task.Run(() => _host.PostTwilioOkAsync("/api/twilio/recording", recording)),
            }).Append(Task.Run(() => Elsewhere().CallEndedAsync(tenant.Id, c.CallSid, new CallEnded("completed", 42))))
              .Append(Task.Run(async () =>
              {
                  await _host.Get<CallLogStore>().ParkRecordingAsync(c.CallSid, ready);
                  await Elsewhere().RecordingAsync(tenant.Id, c.CallSid, ready);
              }));
        }));

        foreach (var (callSid, recordingSid) in calls)
        {
            var done = await _host.CallWorkflowCompletedAsync(callSid);
            var input = done.ReadInputAs<CallWorkflowInput>()!;
            Assert.Equal("completed", input.Ended?.Status);
            Assert.Equal(recordingSid, input.Plan?.ParkedRecording?.RecordingSid);
            Assert.NotNull(done.ReadOutputAs<CallWorkflowResult>()!.RecordingBlobPath);
            var history = await HistoryAsync(callSid);
            Assert.Single(history, e => e.Type == "ExecutionStarted");
            Assert.DoesNotContain(history, e => e.Type == "TimerCreated");
            // The deliveries that found it started sent it nothing: it carries both and waits for no event.
            Assert.DoesNotContain(history, e => e.Type == "EventRaised");
            Assert.Equal([nameof(CompleteCall)], history.Where(e => e.Type == "TaskScheduled").Select(e => e.Name));
            Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
        }
    }

    [Fact]
    public async Task A_live_instance_of_the_earliest_shape_is_sent_the_end_and_the_recording_and_completes_with_both()
    {
        var (tenant, number, callSid, recordingSid) = await AnsweredCallAsync();
        // Started at the call's start, as the earliest version did: no end and no plan, waiting for the end.
        var id = CallWorkflowNames.InstanceId(callSid);
        var timings = _host.Get<IOptions<CallWorkflowOptions>>().Value.Timings;
        Assert.True(await _host.Durable.StartOnceAsync(CallWorkflowNames.Orchestration, id, new CallWorkflowInput(tenant.Id, callSid, timings)));
        await _host.Durable.WaitForInstanceStartAsync(id);

        await _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
        await _host.PostTwilioOkAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));

        var result = (await _host.CallWorkflowCompletedAsync(callSid)).ReadOutputAs<CallWorkflowResult>()!;
        Assert.Equal("completed", result.EndStatus);
        Assert.NotNull(result.RecordingBlobPath);
        var history = await HistoryAsync(callSid);
        Assert.Single(history, e => e.Type == "EventRaised" && e.Name == CallWorkflowNames.CallEndedEvent);
        Assert.Single(history, e => e.Type == "EventRaised" && e.Name == CallWorkflowNames.RecordingEvent);
        Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
    }

    [Fact]
    public async Task A_recording_before_the_end_is_taken_into_the_start_and_processed_once_without_a_wait()
    {
        var (tenant, number, callSid, recordingSid) = await AnsweredCallAsync();
        var recording = TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid));

        await _host.PostTwilioOkAsync("/api/twilio/recording", recording);
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
        await _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
        await _host.PostTwilioOkAsync("/api/twilio/recording", recording);

        var result = (await _host.CallWorkflowCompletedAsync(callSid)).ReadOutputAs<CallWorkflowResult>()!;

        Assert.NotNull(result.RecordingBlobPath);
        Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
        var history = await HistoryAsync(callSid);
        Assert.DoesNotContain(history, e => e.Type == "TimerCreated");
        Assert.Equal([nameof(CompleteCall)], history.Where(e => e.Type == "TaskScheduled").Select(e => e.Name));
        Assert.Equal(result.RecordingBlobPath, (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.RecordingBlobPath);
    }

    [Fact]
    public async Task A_recording_after_the_end_starts_the_workflow_and_is_processed_once_however_often_it_is_delivered_without_a_timer()
    {
        var (tenant, number, callSid, recordingSid) = await AnsweredCallAsync();
        await _host.PostTwilioOkAsync("/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
        var recording = TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _host.PostTwilioOkAsync("/api/twilio/recording", recording)));

        var result = (await _host.CallWorkflowCompletedAsync(callSid)).ReadOutputAs<CallWorkflowResult>()!;
        Assert.NotNull(result.RecordingBlobPath);
        Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
        var history = await HistoryAsync(callSid);
        // One activity in two episodes: the start's and the activity's completion.
        Assert.DoesNotContain(history, e => e.Type == "TimerCreated");
        Assert.DoesNotContain(history, e => e.Type == "EventRaised");
        Assert.Equal([nameof(CompleteCall)], history.Where(e => e.Type == "TaskScheduled").Select(e => e.Name));
        Assert.Equal(2, history.Count(e => e.Type == "OrchestratorStarted"));
    }

    /// <summary>A new tenant's inbound call, answered and not ended: the tenant, its number, the call's and its recording's sids.</summary>
    private async Task<(Tenant Tenant, string Number, string CallSid, string RecordingSid)> AnsweredCallAsync()
    {
        var tenant = await _host.NewTenantAsync();
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());
        await _host.PostTwilioOkAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        return (tenant, tenant.VoiceNumbers[0], callSid, recordingSid);
    }

    private DurableCallWorkflowSignals Elsewhere() =>
        new(_host.Durable, _host.Get<IOptions<CallWorkflowOptions>>(), new KnownCallWorkflows(), _host.Get<CallWorkflowSteps>(), _host.Get<CallLogStore>());

    /// <summary>The engine's history rows of the call's instance, in order: event type and name.</summary>
    private async Task<List<(string Type, string Name)>> HistoryAsync(string callSid)
    {
        var table = new TableClient(fixture.StorageConnectionString, _host.Host.TaskHub + "History");
        var events = new List<(string, string)>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == CallWorkflowNames.InstanceId(callSid)))
        {
            events.Add((e.GetString("EventType") ?? "", e.GetString("Name") ?? ""));
        }

        return events;
    }
}
