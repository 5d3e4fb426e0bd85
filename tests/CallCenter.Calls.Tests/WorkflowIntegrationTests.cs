using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

[Collection(CallCenterCollection.Name)]
public sealed class WorkflowIntegrationTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_second_start_of_a_live_calls_workflow_leaves_the_running_instance_and_its_history_untouched()
    {
        var tenant = await _host.NewTenantAsync();
        var callSid = TwilioCall.NewCallSid();
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        var id = CallWorkflowNames.InstanceId(callSid);

        // A live instance: one of the earliest shape (no end in its input), which waits for the end on a timer.
        var timings = _host.Get<Microsoft.Extensions.Options.IOptions<CallWorkflowOptions>>().Value.Timings;
        Assert.True(await _host.Durable.StartOnceAsync(CallWorkflowNames.Orchestration, id, new CallWorkflowInput(tenant.Id, callSid, timings)));
        var first = await _host.Durable.WaitForInstanceStartAsync(id, getInputsAndOutputs: true);

        // Settled once the start episode has set the timer of its wait.
        var historyBefore = await HistoryAsync(id);
        for (var waited = 0; !historyBefore.Any(e => e.Contains(":TimerCreated:", StringComparison.Ordinal)) && waited < 600; waited++)
        {
            await Task.Delay(100);
            historyBefore = await HistoryAsync(id);
        }

        // The start the recording callback makes for an ended call, and the sweep's: each asks the engine first.
        // (Left to the engine alone, through the local sidecar, this start was accepted and not refused.)
        Assert.False(await _host.Durable.StartOnceAsync(
            CallWorkflowNames.Orchestration, id, new CallWorkflowInput(tenant.Id, callSid, timings, new CallEnded("completed", 42))));

        // The repeated voice webhook, and a sweep's start (asking first) as any other start would make it.
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        Assert.False(await _host.Durable.StartOnceAsync(CallWorkflowNames.Orchestration, id, new CallWorkflowInput(tenant.Id, callSid, timings, Swept: true)));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var after = await _host.Durable.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(after);
        Assert.Equal(OrchestrationRuntimeStatus.Running, after.RuntimeStatus);
        Assert.Equal(first.CreatedAt, after.CreatedAt);
        Assert.Equal(first.SerializedInput, after.SerializedInput);
        Assert.Equal(historyBefore, await HistoryAsync(id));
        Assert.Single(historyBefore, e => e.Contains(":ExecutionStarted:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_realtime_transcribed_calls_under_fallback_to_recording_make_zero_transcription_requests()
    {
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var before = _host.OpenAi.Transcriptions;
        var calls = new[] { (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid()), (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid()) };
        foreach (var (callSid, recordingSid) in calls)
        {
            await _host.AnsweredCallAsync(tenant, callSid, recordingSid);
        }

        foreach (var (callSid, _) in calls)
        {
            await WaitAsync(callSid);
            var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
            Assert.Equal(TranscriptSource.Realtime, call!.TranscriptSource);
            Assert.Equal("Agent: Hello, how can I help?\nCaller: I need a plumber.", call.FinalTranscript);
            Assert.NotNull(call.RecordingBlobPath);
        }

        Assert.Equal(before, _host.OpenAi.Transcriptions);
    }

    [Fact]
    public async Task The_recording_link_downloads_the_exact_bytes_twilio_served_and_fails_for_another_blob_after_expiry_or_for_another_tenant()
    {
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.RealtimeOnly);
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3));
        await _host.PostTwilioAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
        await WaitAsync(callSid);
        var keys = _host.Get<ApiKeyService>();
        var key = (await keys.IssueAsync(tenant.Id, "test")).Key;
        var otherKey = (await keys.IssueAsync((await _host.NewTenantAsync()).Id, "other")).Key;

        var link = await GetLinkAsync(tenant.Id, callSid, key);
        using var download = new HttpClient();
        Assert.Equal(FakeTwilioApi.RecordingBytes(recordingSid), await download.GetByteArrayAsync(link));

        // The same signature on another blob's name is refused.
        var otherBlob = new Uri(link.AbsoluteUri.Replace(recordingSid, TwilioCall.NewRecordingSid(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await download.GetAsync(otherBlob)).StatusCode);

        // A link whose 15 minutes are over is refused.
        var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
        var expired = await _host.Get<RecordingStore>().GetReadLinkAsync(tenant.Id, call!.RecordingBlobPath!, RecordingStore.MaxLinkLifetime, DateTimeOffset.UtcNow.AddMinutes(-20));
        Assert.Equal(HttpStatusCode.Forbidden, (await download.GetAsync(expired)).StatusCode);

        // Another tenant's key gets 404 for the route.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant.Id}/calls/{callSid}/recording");
        request.Headers.Add("X-Api-Key", otherKey);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_workflow_route_shows_support_staff_the_calls_orchestration()
    {
        var tenant = await _host.NewTenantAsync();
        var callSid = TwilioCall.NewCallSid();
        await _host.AnsweredCallAsync(tenant, callSid, TwilioCall.NewRecordingSid());
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
        }
        var key = (await _host.Get<ApiKeyService>().IssueAsync(tenant.Id, "support")).Key;

        var body = await GetWorkflowAsync(tenant.Id, callSid, key);

        Assert.Equal(CallWorkflowNames.InstanceId(callSid), body.GetProperty("instanceId").GetString());
        Assert.Equal("Completed", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_workflow_route_shows_a_live_call_whose_workflow_starts_at_its_end_as_not_started()
    {
        var tenant = await _host.NewTenantAsync();
        var callSid = TwilioCall.NewCallSid();
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0]));
        var key = (await _host.Get<ApiKeyService>().IssueAsync(tenant.Id, "support")).Key;
        var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);

        var body = await GetWorkflowAsync(tenant.Id, callSid, key);

        Assert.Equal(CallWorkflowNames.InstanceId(callSid), body.GetProperty("instanceId").GetString());
        Assert.Equal("NotStarted", body.GetProperty("status").GetString());
        Assert.Equal(call!.CreatedAt, body.GetProperty("createdAt").GetDateTimeOffset());
        Assert.False(body.TryGetProperty("output", out var output) && output.ValueKind != JsonValueKind.Null);
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }

    private async Task<JsonElement> GetWorkflowAsync(string tenantId, string callSid, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenantId}/calls/{callSid}/workflow");
        request.Headers.Add("X-Api-Key", key);
        var response = await _host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<Uri> GetLinkAsync(string tenantId, string callSid, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenantId}/calls/{callSid}/recording");
        request.Headers.Add("X-Api-Key", key);
        var response = await _host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Uri(body.GetProperty("url").GetString()!);
    }

    private async Task WaitAsync(string callSid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    /// <summary>The engine's own history rows for the instance, in order, read from its table on Azurite.</summary>
    private async Task<List<string>> HistoryAsync(string instanceId)
    {
        var table = new TableClient(fixture.StorageConnectionString, _host.Host.TaskHub + "History");
        var events = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
        {
            events.Add($"{e.RowKey}:{e.GetString("EventType")}:{e.GetString("ExecutionId")}");
        }

        return events;
    }
}
