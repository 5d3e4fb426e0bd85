using System.Net;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

[Collection(CallCenterCollection.Name)]
public sealed class DuplicateDeliveryTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task Every_webhook_of_100_calls_delivered_3_times_in_shuffled_order_gives_one_call_log_its_final_status_and_one_workflow_each()
    {
        var tenant = await _host.NewTenantAsync();
        var calls = Enumerable.Range(0, 100).Select(_ => (CallSid: TwilioCall.NewCallSid(), RecordingSid: TwilioCall.NewRecordingSid())).ToList();
        var webhooks = calls.SelectMany(c => Webhooks(tenant, c.CallSid, c.RecordingSid)).ToList();

        await DeliverAsync(webhooks.Concat(webhooks).Concat(webhooks).OrderBy(_ => Random.Shared.Next()));

        await WaitForWorkflowsAsync(calls.Select(c => c.CallSid));
        var stored = await _host.Get<CallLogStore>().ListAsync(tenant.Id);
        Assert.Equal(calls.Select(c => c.CallSid).Order(), stored.Select(c => c.CallSid).Order());
        Assert.All(stored, c =>
        {
            Assert.Equal(CallStatus.Completed, c.Status);
            Assert.Equal(42, c.DurationSeconds);
            Assert.Equal([CallStatus.Initiated, CallStatus.Ringing, CallStatus.InProgress, CallStatus.Completed], c.StatusTimes.Keys.Order());
            Assert.NotNull(c.WorkflowFinishedAt);
        });
        foreach (var (callSid, recordingSid) in calls)
        {
            await AssertOneExecutionAsync(callSid);
            Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
        }
    }

    [Fact]
    public async Task The_recording_callback_delivered_5_times_for_50_calls_gives_1_media_fetch_1_transcription_and_1_summary_per_call()
    {
        var tenant = await _host.NewTenantAsync();
        var calls = Enumerable.Range(0, 50).Select(_ => (CallSid: TwilioCall.NewCallSid(), RecordingSid: TwilioCall.NewRecordingSid())).ToList();
        var (transcriptionsBefore, chatsBefore) = (_host.OpenAi.Transcriptions, _host.OpenAi.ChatCompletions);

        await DeliverAsync(calls.SelectMany(c => Webhooks(tenant, c.CallSid, c.RecordingSid).SkipLast(1)));
        var recording = calls.Select(c => ("/api/twilio/recording", TwilioCall.Recording(c.CallSid, c.RecordingSid, _host.Twilio.RecordingUrl(c.RecordingSid))));
        await DeliverAsync(Enumerable.Repeat(recording, 5).SelectMany(r => r).OrderBy(_ => Random.Shared.Next()));

        await WaitForWorkflowsAsync(calls.Select(c => c.CallSid));
        Assert.All(calls, c => Assert.Equal(1, _host.Twilio.RecordingFetches[c.RecordingSid]));
        Assert.Equal(50, _host.OpenAi.Transcriptions - transcriptionsBefore);
        Assert.Equal(50, _host.OpenAi.ChatCompletions - chatsBefore);
        var stored = await _host.Get<CallLogStore>().ListAsync(tenant.Id);
        Assert.All(stored, c =>
        {
            Assert.Equal(TranscriptSource.Recording, c.TranscriptSource);
            Assert.Equal(_host.OpenAi.TranscriptText, c.FinalTranscript);
            Assert.NotNull(c.Summary);
            Assert.StartsWith($"{tenant.Id}/", c.RecordingBlobPath, StringComparison.Ordinal);
        });
    }

    private IEnumerable<(string Path, Dictionary<string, string> Form)> Webhooks(Tenant tenant, string callSid, string recordingSid)
    {
        var number = tenant.VoiceNumbers[0];
        yield return ("/api/twilio/voice", TwilioCall.Voice(callSid, number));
        string[] statuses = ["initiated", "ringing", "in-progress", "completed"];
        for (var i = 0; i < statuses.Length; i++)
        {
            yield return ("/api/twilio/status", TwilioCall.Status(callSid, number, statuses[i], i));
        }

        yield return ("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
    }

    private Task DeliverAsync(IEnumerable<(string Path, Dictionary<string, string> Form)> deliveries) =>
        Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (d, _) =>
        {
            using var response = await _host.PostTwilioAsync(d.Path, d.Form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

    private async Task WaitForWorkflowsAsync(IEnumerable<string> callSids)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        foreach (var callSid in callSids)
        {
            var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }
    }

    /// <summary>
    /// Read from the engine's own history table on Azurite: a replaced instance would show a second
    /// ExecutionStarted (a new execution) under the same instance id.
    /// </summary>
    private async Task AssertOneExecutionAsync(string callSid)
    {
        var history = new TableClient(fixture.StorageConnectionString, _host.Host.TaskHub + "History");
        var started = 0;
        await foreach (var e in history.QueryAsync<TableEntity>(e => e.PartitionKey == CallWorkflowNames.InstanceId(callSid)))
        {
            started += e.GetString("EventType") == "ExecutionStarted" ? 1 : 0;
        }

        Assert.Equal(1, started);
    }
}
