using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Events;
using CallCenter.Core.Hosting;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The <see cref="CompleteCall"/> activity's work (<see cref="CallCompleter"/>) on Azurite, run as the engine runs it
/// and run again as the engine re-runs an activity whose host died: the call's row read once and written only where
/// exactly-once needs it, the storage requests that leaves (counted at the storage clients), and a crash between
/// stages followed by a re-run repeating no effect (no second fetch, transcription, summary, lead note, day count or
/// delivery).
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class CompleteCallTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;
    private readonly Mock<ITwilioMedia> _media = new();
    private readonly Mock<ITranscriber> _transcriber = new();
    private readonly Mock<ICallSummaryModel> _summaries = new();
    private readonly Mock<ILiveEvents> _live = new();

    [Fact]
    public async Task A_recorded_transcribed_call_reads_its_row_once_writes_it_twice_and_stores_its_recording_in_one_request()
    {
        Defaults();
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var first = await NewCallAsync(tenant);
        var second = await NewCallAsync(tenant);
        var completer = services.GetRequiredService<CallCompleter>();
        await services.GetRequiredService<TenantCache>().GetAsync(tenant.Id);
        requests.Clear();

        Assert.Null((await completer.CompleteAsync(Input(tenant, first), NoClient)).FailedAt);

        // One read of the row; the transcript written once it was paid for, then summary, finish mark and cost together.
        Assert.Equal(1, Count(requests, $"GET {Table("Calls")}(PartitionKey='{tenant.Id}',RowKey='{first}')"));
        Assert.Equal(2, Count(requests, $"PUT {Table("Calls")}(PartitionKey='{tenant.Id}',RowKey='{first}')"));
        // The recording: one Put Blob, no existence check, and transcribed from the bytes in hand (no download).
        var blob = Assert.Single(requests.Requests, r => r.EndsWith(".wav", StringComparison.Ordinal));
        Assert.StartsWith("PUT ", blob, StringComparison.Ordinal);
        // No lead on the call: the lead is neither read nor written.
        Assert.DoesNotContain(requests.Requests, r => r.Contains(Table("Leads"), StringComparison.Ordinal));
        _transcriber.Verify(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);

        var stored = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, first))!;
        Assert.Equal((TranscriptSource.Recording, "Caller: from the recording", "summary"), (stored.TranscriptSource, stored.FinalTranscript, stored.Summary));
        Assert.NotNull(stored.WorkflowFinishedAt);
        Assert.NotNull(stored.Cost);
        Assert.Equal(FakeTwilioApi.RecordingBytes("RE1"), await ReadBlobAsync(tenant.Id, stored.RecordingBlobPath!));

        // The next call of the day: the day row as this process wrote it and the endpoints as it listed them.
        requests.Clear();
        Assert.Null((await completer.CompleteAsync(Input(tenant, second), NoClient)).FailedAt);
        Assert.DoesNotContain(requests.Requests, r => r.StartsWith($"GET {Table("CallStats")}", StringComparison.Ordinal));
        Assert.DoesNotContain(requests.Requests, r => r.StartsWith($"GET {Table("Webhooks")}", StringComparison.Ordinal));
        Assert.Equal(2, (await DayAsync(tenant.Id)).Calls);
    }

    [Fact]
    public async Task A_call_with_its_realtime_transcript_writes_its_row_once()
    {
        Defaults();
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var callSid = await NewCallAsync(tenant, realtimeTurns: true);
        requests.Clear();

        Assert.Null((await services.GetRequiredService<CallCompleter>().CompleteAsync(Input(tenant, callSid), NoClient)).FailedAt);

        Assert.Equal(1, Count(requests, $"GET {Table("Calls")}(PartitionKey='{tenant.Id}',RowKey='{callSid}')"));
        Assert.Equal(1, Count(requests, $"PUT {Table("Calls")}(PartitionKey='{tenant.Id}',RowKey='{callSid}')"));
        var stored = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!;
        Assert.Equal(TranscriptSource.Realtime, stored.TranscriptSource);
        Assert.StartsWith($"{tenant.Id}/", stored.RecordingBlobPath, StringComparison.Ordinal);
        Assert.Equal("summary", stored.Summary);
        Assert.NotNull(stored.WorkflowFinishedAt);
        _transcriber.Verify(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task The_next_summary_of_a_lead_updates_it_in_one_request_and_one_saying_nothing_of_it_leaves_it_alone()
    {
        Defaults();
        _summaries.SetupSequence(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallSummary("first", "intent", "Ada", LeadStatuses.Contacted, "send the quote"))
            .ReturnsAsync(new CallSummary("second", "intent", null, LeadStatuses.Qualified, "call back on Monday"))
            .ReturnsAsync(new CallSummary("third", "intent", null, null, null));
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var lead = (await _host.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, "+15557654321", LeadSources.InboundCall)).Lead;
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var completer = services.GetRequiredService<CallCompleter>();
        string[] calls = [await NewCallAsync(tenant, leadId: lead.Id), await NewCallAsync(tenant, leadId: lead.Id), await NewCallAsync(tenant, leadId: lead.Id)];
        Assert.Null((await completer.CompleteAsync(Input(tenant, calls[0]), NoClient)).FailedAt);

        requests.Clear();
        Assert.Null((await completer.CompleteAsync(Input(tenant, calls[1]), NoClient)).FailedAt);
        Assert.Equal([$"PUT {Table("Leads")}"], LeadRequests(requests));

        requests.Clear();
        Assert.Null((await completer.CompleteAsync(Input(tenant, calls[2]), NoClient)).FailedAt);
        Assert.Empty(LeadRequests(requests));

        var stored = (await _host.Get<LeadStore>().GetAsync(tenant.Id, lead.Id))!;
        Assert.Equal(("Ada", LeadStatuses.Qualified), (stored.Name, stored.Status));
        Assert.Equal([$"[{calls[0]}] send the quote", $"[{calls[1]}] call back on Monday"], stored.Notes!.Split('\n'));
    }

    [Fact]
    public async Task A_crash_between_the_transcript_and_the_summary_then_two_reruns_fetch_transcribe_summarize_note_count_and_deliver_once()
    {
        Defaults();
        // The host dies inside the first summary request; the second answers.
        _summaries.SetupSequence(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException("the host died"))
            .ReturnsAsync(new CallSummary("summary", "intent", "Ada", LeadStatuses.Qualified, "call back on Monday"));
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        await using var receiver = await WebhookReceiver.StartAsync();
        await _host.Get<WebhookStore>().CreateEndpointAsync(tenant.Id, receiver.Url, [WebhookEventTypes.CallCompleted]);
        var lead = (await _host.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, "+15557654321", LeadSources.InboundCall)).Lead;
        await using var services = Services(new StorageRequestLog());
        var callSid = await NewCallAsync(tenant, leadId: lead.Id);
        var completer = services.GetRequiredService<CallCompleter>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completer.CompleteAsync(Input(tenant, callSid), () => _host.Durable));

        // What the paid transcription made is on the row; nothing after it is.
        var crashed = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!;
        Assert.Equal(TranscriptSource.Recording, crashed.TranscriptSource);
        Assert.NotNull(crashed.RecordingBlobPath);
        Assert.Null(crashed.Summary);
        Assert.Null(crashed.WorkflowFinishedAt);

        // The engine runs the activity again, and once more (its record of the second run lost too).
        Assert.Null((await completer.CompleteAsync(Input(tenant, callSid), () => _host.Durable)).FailedAt);
        Assert.Null((await completer.CompleteAsync(Input(tenant, callSid), () => _host.Durable)).FailedAt);

        _media.Verify(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()), Times.Once);
        _transcriber.Verify(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        _summaries.Verify(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        var call = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!;
        Assert.Equal("summary", call.Summary);
        Assert.NotNull(call.Cost);
        var noted = (await _host.Get<LeadStore>().GetAsync(tenant.Id, lead.Id))!;
        Assert.Equal(("Ada", LeadStatuses.Qualified), (noted.Name, noted.Status));
        Assert.Single(noted.Notes!.Split('\n'), l => l.Contains($"[{callSid}]", StringComparison.Ordinal));
        Assert.Equal(1, (await DayAsync(tenant.Id)).Calls);
        Assert.Single((await _host.Get<WebhookStore>().ListDeliveriesAsync(tenant.Id, null, 10)).Items);
        await WaitUntilAsync(() => !receiver.Received.IsEmpty);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_crash_after_twilios_copy_is_deleted_reruns_from_our_blob_without_fetching_from_twilio()
    {
        Defaults();
        // The host dies inside the first transcription, after the recording was stored and Twilio's copy deleted.
        _transcriber.SetupSequence(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException("the host died"))
            .ReturnsAsync(new Transcription("Caller: from the blob", null));
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        await using var services = Services(new StorageRequestLog());
        var callSid = await NewCallAsync(tenant);
        var completer = services.GetRequiredService<CallCompleter>();
        var input = Input(tenant, callSid) with { DeleteRecordingFromTwilio = true };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completer.CompleteAsync(input, NoClient));
        Assert.NotNull((await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.RecordingBlobPath);

        Assert.Null((await completer.CompleteAsync(input, NoClient)).FailedAt);

        _media.Verify(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()), Times.Once);
        _media.Verify(m => m.DeleteRecordingAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Equal("Caller: from the blob", (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.FinalTranscript);
    }

    [Fact]
    public async Task A_step_failing_after_unwritten_stages_writes_them_before_reporting_so_the_workflow_takes_over_from_that_step()
    {
        Defaults();
        _summaries.Setup(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("500"));
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        await using var services = Services(new StorageRequestLog());
        var callSid = await NewCallAsync(tenant, realtimeTurns: true);

        var done = await services.GetRequiredService<CallCompleter>().CompleteAsync(Input(tenant, callSid), NoClient);

        // The recording's path and the realtime transcript were still only in memory when the summary failed.
        Assert.Equal(CallStage.Summary, done.FailedAt);
        Assert.False(done.Permanent);
        Assert.Equal(TranscriptSource.Realtime, done.TranscriptSource);
        var stored = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!;
        Assert.Equal(done.RecordingBlobPath, stored.RecordingBlobPath);
        Assert.Equal(TranscriptSource.Realtime, stored.TranscriptSource);
        Assert.Null(stored.WorkflowFinishedAt);
    }

    [Fact]
    public async Task A_request_storage_refuses_as_bad_ends_its_stage_as_permanent_but_a_refused_write_of_several_stages_leaves_each_to_its_own_activity()
    {
        // Over Azure Tables' 64 KB per property (UTF-16): Azurite answers 400, as Azure Storage does.
        var tooLong = new string('x', 40_000);
        Defaults();
        _summaries.SetupSequence(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallSummary("summary", "intent", tooLong, null, null))
            .ReturnsAsync(new CallSummary(tooLong, "intent", null, null, null));
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var lead = (await _host.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, "+15557654321", LeadSources.InboundCall)).Lead;
        await using var services = Services(new StorageRequestLog());
        var completer = services.GetRequiredService<CallCompleter>();

        // The lead's update is the summary's own request: retried, it is refused again.
        var refusedLead = await completer.CompleteAsync(Input(tenant, await NewCallAsync(tenant, realtimeTurns: true, leadId: lead.Id)), NoClient);
        Assert.Equal((CallStage.Summary, true), (refusedLead.FailedAt, refusedLead.Permanent));
        Assert.Contains("64KB", refusedLead.Failure, StringComparison.Ordinal);

        // The call's row is refused with the recording's path, the transcript and the summary in it: the workflow takes
        // over from the first of them, each stage writing its own change, and only the summary's is refused again.
        var refusedRow = await completer.CompleteAsync(Input(tenant, await NewCallAsync(tenant, realtimeTurns: true)), NoClient);
        Assert.Equal((CallStage.Recording, false), (refusedRow.FailedAt, refusedRow.Permanent));
    }

    [Fact]
    public async Task Calls_of_one_tenant_and_lead_finishing_at_once_add_to_the_day_and_note_the_lead_in_one_write_each()
    {
        Defaults();
        _summaries.Setup(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallSummary("summary", "intent", null, null, "call back"));
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var lead = (await _host.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, "+15557654321", LeadSources.InboundCall)).Lead;
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var completer = services.GetRequiredService<CallCompleter>();
        var calls = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            calls.Add(await NewCallAsync(tenant, realtimeTurns: true, leadId: lead.Id));
        }

        var done = await Task.WhenAll(calls.Select(c => completer.CompleteAsync(Input(tenant, c), NoClient)));

        // Queued in the process rather than racing under the rows' ETags: no replace refused, no re-read, no retry.
        Assert.All(done, d => Assert.Null(d.FailedAt));
        Assert.Equal(10, Count(requests, "POST $batch"));
        Assert.Equal(1, requests.Requests.Count(r => r.StartsWith($"GET {Table("CallStats")}", StringComparison.Ordinal)));
        Assert.Equal(10, LeadRequests(requests).Count(r => r == $"PUT {Table("Leads")}"));
        Assert.Equal(1, LeadRequests(requests).Count(r => r == $"GET {Table("Leads")}"));
        Assert.Equal(10, (await DayAsync(tenant.Id)).Calls);
        Assert.Equal(10, (await _host.Get<LeadStore>().GetAsync(tenant.Id, lead.Id))!.Notes!.Split('\n').Length);
    }

    [Fact]
    public void The_stages_are_listed_once_in_the_order_they_run_each_with_an_activity_of_the_call_workflow()
    {
        Assert.Equal(Enum.GetValues<CallStage>(), CallStages.InOrder.Select(s => s.Stage));
        Assert.All(CallStages.InOrder, s => Assert.Contains(CallWorkflow.Durable.Activities, a => a.Name == s.Activity));
        Assert.Equal([CallStage.Metrics, CallStage.Webhooks, CallStage.Publish], CallStages.From(CallStage.Metrics).Select(s => s.Stage));
    }

    private static readonly Func<Microsoft.DurableTask.Client.DurableTaskClient> NoClient = () => throw new InvalidOperationException("No delivery to start.");

    private void Defaults()
    {
        _media.Setup(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new MemoryStream(FakeTwilioApi.RecordingBytes("RE1")));
        _transcriber.Setup(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Transcription("Caller: from the recording", null));
        _summaries.Setup(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallSummary("summary", "intent", null, null, null));
    }

    private CompleteCallInput Input(Tenant tenant, string callSid) =>
        new(tenant.Id, callSid, new RecordingReady("RE" + callSid[2..], _host.Twilio.RecordingUrl("RE1").AbsoluteUri, "completed", 1, 2), false, false, true);

    private async Task<string> NewCallAsync(Tenant tenant, bool realtimeTurns = false, string? leadId = null)
    {
        var call = new CallLog
        {
            TenantId = tenant.Id,
            CallSid = TwilioCall.NewCallSid(),
            Direction = CallDirection.Inbound,
            From = "+15557654321",
            To = tenant.VoiceNumbers[0],
            LeadId = leadId,
            Status = CallStatus.Completed,
            DurationSeconds = 30,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await _host.Get<CallLogStore>().CreateIfMissingAsync(call);
        if (realtimeTurns)
        {
            await _host.Get<TurnStore>().AppendAsync(tenant.Id,
                [new ConversationTurn(call.CallSid, 1, TurnRole.Agent, "Hi!", TimeSpan.Zero), new ConversationTurn(call.CallSid, 2, TurnRole.Caller, "Hello.", TimeSpan.FromSeconds(1))]);
        }

        return call.CallSid;
    }

    private async Task<DailyCallStats> DayAsync(string tenantId)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return Assert.Single(await _host.Get<CallStatsStore>().ListAsync(tenantId, today, today));
    }

    private async Task<byte[]> ReadBlobAsync(string tenantId, string path)
    {
        await using var stream = (await _host.Get<RecordingStore>().OpenReadAsync(tenantId, path))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task WaitUntilAsync(Func<bool> done)
    {
        for (var until = DateTimeOffset.UtcNow.AddSeconds(60); !done(); await Task.Delay(100))
        {
            Assert.True(DateTimeOffset.UtcNow < until, "Timed out.");
        }
    }

    private List<string> LeadRequests(StorageRequestLog requests) =>
        [.. requests.Requests.Where(r => r.Contains(Table("Leads"), StringComparison.Ordinal)).Select(r => r[..(r.IndexOf('(', StringComparison.Ordinal) is var i and > 0 ? i : r.Length)])];

    private static int Count(StorageRequestLog requests, string request) => requests.Requests.Count(r => r == request);

    private string Table(string name) => _host.Host.App.Configuration["Storage:TablePrefix"] + name;

    /// <summary>The product's workflow services over the test host's tables and blobs, with storage clients that log their requests.</summary>
    private ServiceProvider Services(StorageRequestLog requests)
    {
        var configuration = _host.ProductConfiguration(fixture.StorageConnectionString);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(requests, HttpPipelinePosition.PerRetry);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(requests, HttpPipelinePosition.PerRetry);
        var services = new ServiceCollection();
        services.AddSingleton(new TableServiceClient(fixture.StorageConnectionString, tableOptions));
        services.AddSingleton(new BlobServiceClient(fixture.StorageConnectionString, blobOptions));
        services.AddLogging();
        services.AddCallCenterStorage(configuration);
        services.AddCallCenterLiveEvents(configuration).AddCallCenterCalls(configuration).AddCallCenterWorkflow(configuration).AddCallCenterWebhooks(configuration);

        // Registered last, so they replace the real clients.
        services.AddSingleton(_media.Object);
        services.AddSingleton(_transcriber.Object);
        services.AddSingleton(_summaries.Object);
        services.AddSingleton(_live.Object);
        return services.BuildServiceProvider();
    }
}
