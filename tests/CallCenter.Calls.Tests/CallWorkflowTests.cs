using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Events;
using CallCenter.Core.Faults;
using CallCenter.Core.Hosting;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The orchestration's logic on the package's in-memory engine, with the real steps on Azurite and our own
/// Twilio and OpenAI client interfaces mocked: each policy, a recording that never arrives, and each
/// activity failing transiently and permanently.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class CallWorkflowTests
{
    private readonly CallCenterFixture _fixture;
    private readonly Mock<ITwilioMedia> _media = new();
    private readonly Mock<ITranscriber> _transcriber = new();
    private readonly Mock<ICallSummaryModel> _summaries = new();
    private readonly Mock<ILiveEvents> _live = new();
    private readonly CapturingLoggerProvider _log = new();

    public CallWorkflowTests(CallCenterFixture fixture)
    {
        _fixture = fixture;

        // Defaults that work; a test overrides the one it makes fail.
        _media.Setup(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new MemoryStream(FakeTwilioApi.RecordingBytes("RE1")));
        _transcriber.Setup(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Transcription("Caller: from the recording", null));
        _summaries.Setup(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CallSummary("summary", "intent", null, null, null));
    }

    private static readonly CallWorkflowTimings Fast = new()
    {
        CallEndTimeout = TimeSpan.FromSeconds(30),
        RecordingTimeout = TimeSpan.FromSeconds(3),
        MaxAttempts = 3,
        FirstRetryInterval = TimeSpan.FromMilliseconds(200),
        MaxRetryInterval = TimeSpan.FromMilliseconds(500),
    };

    [Theory]
    [InlineData(TranscriptionPolicy.FallbackToRecording, false, TranscriptSource.Recording, 1)]
    [InlineData(TranscriptionPolicy.FallbackToRecording, true, TranscriptSource.Realtime, 0)]
    [InlineData(TranscriptionPolicy.RealtimeOnly, false, TranscriptSource.None, 0)]
    [InlineData(TranscriptionPolicy.RealtimeOnly, true, TranscriptSource.Realtime, 0)]
    [InlineData(TranscriptionPolicy.PreferRecording, true, TranscriptSource.Recording, 1)]
    [InlineData(TranscriptionPolicy.PreferRecording, false, TranscriptSource.Recording, 1)]
    public async Task Each_policy_settles_the_transcript_source_and_transcribes_only_when_it_says_so(
        TranscriptionPolicy policy, bool realtimeTurns, TranscriptSource expected, int transcriptions)
    {
        await using var run = await StartAsync(policy, realtimeTurns);
        await run.EndCallAsync();
        await run.SendRecordingAsync();

        var result = await run.CompleteAsync();

        Assert.Equal(expected, result.TranscriptSource);
        Assert.Equal(expected, (await run.CallAsync()).TranscriptSource);
        _transcriber.Verify(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), "en-US", It.IsAny<CancellationToken>()), Times.Exactly(transcriptions));
    }

    [Fact]
    public async Task A_recording_that_never_arrives_is_waited_for_until_the_timer_then_the_call_is_finished_without_it()
    {
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: true);
        await run.EndCallAsync();

        var result = await run.CompleteAsync();

        Assert.Null(result.RecordingBlobPath);
        Assert.Equal(TranscriptSource.Realtime, result.TranscriptSource);
        _media.Verify(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.NotNull((await run.CallAsync()).WorkflowFinishedAt);
    }

    [Fact]
    public async Task An_instance_of_the_earlier_shape_started_before_the_end_waits_for_it_plans_and_completes()
    {
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: false);
        await run.Engine.Client.ScheduleNewOrchestrationInstanceAsync(
            CallWorkflowNames.Orchestration, new CallWorkflowInput(run.TenantId, run.CallSid, Fast), new Microsoft.DurableTask.StartOrchestrationOptions(run.InstanceId));
        await run.Engine.Client.RaiseEventAsync(run.InstanceId, CallWorkflowNames.CallEndedEvent, new CallEnded("completed", 30));
        await run.SendRecordingAsync();

        var result = await run.CompleteAsync();

        Assert.Equal("completed", result.EndStatus);
        Assert.Equal(TranscriptSource.Recording, result.TranscriptSource);
        Assert.NotNull(result.RecordingBlobPath);
        Assert.NotNull((await run.CallAsync()).WorkflowFinishedAt);
    }

    [Fact]
    public async Task A_download_failing_transiently_is_retried_and_stores_one_blob()
    {
        _media.SetupSequence(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("503"))
            .ReturnsAsync(new MemoryStream(FakeTwilioApi.RecordingBytes("RE1")));
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: false);
        await run.EndCallAsync();
        await run.SendRecordingAsync();

        var result = await run.CompleteAsync();

        Assert.NotNull(result.RecordingBlobPath);
        Assert.Equal(TranscriptSource.Recording, result.TranscriptSource);
        _media.Verify(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.True(await _fixture.Host.Get<RecordingStore>().ExistsAsync(run.TenantId, result.RecordingBlobPath));
    }

    [Fact]
    public async Task A_download_failing_permanently_is_not_retried_and_the_call_still_finishes()
    {
        _media.Setup(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new PermanentFailureException("Twilio answered 404 fetching the recording."));
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: false);
        await run.EndCallAsync();
        await run.SendRecordingAsync();

        var result = await run.CompleteAsync();

        Assert.Null(result.RecordingBlobPath);
        Assert.Equal(TranscriptSource.None, result.TranscriptSource);
        _media.Verify(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.NotNull((await run.CallAsync()).WorkflowFinishedAt);
    }

    [Fact]
    public async Task A_step_failing_permanently_is_logged_once_with_the_callsid_however_often_the_orchestration_replays()
    {
        _media.Setup(m => m.OpenRecordingAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new PermanentFailureException("Twilio answered 404 fetching the recording."));
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: false);
        await run.EndCallAsync();
        await run.SendRecordingAsync();

        await run.CompleteAsync();

        // Three more episodes replay the failed download after it (transcript, finish, announce): one line still.
        var line = Assert.Single(_log.Lines, l => l.Category == typeof(CallWorkflow).FullName && l.Message.Contains(run.CallSid, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains($"of tenant {run.TenantId}: step {nameof(DownloadRecording)} failed", line.Message, StringComparison.Ordinal);
        Assert.Contains("Twilio answered 404", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transcription_failing_transiently_is_retried_and_succeeds()
    {
        _transcriber.SetupSequence(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("429"))
            .ReturnsAsync(new Transcription("Caller: hello", null));
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: false);
        await run.EndCallAsync();
        await run.SendRecordingAsync();

        var result = await run.CompleteAsync();

        Assert.Equal(TranscriptSource.Recording, result.TranscriptSource);
        Assert.Equal("Caller: hello", (await run.CallAsync()).FinalTranscript);
    }

    [Fact]
    public async Task A_transcription_failing_permanently_records_source_failed_with_the_reason_and_the_call_completes()
    {
        _transcriber.Setup(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new PermanentFailureException("Transcription refused (400): unsupported audio"));
        await using var run = await StartAsync(TranscriptionPolicy.FallbackToRecording, realtimeTurns: false);
        await run.EndCallAsync();
        await run.SendRecordingAsync();

        var result = await run.CompleteAsync();

        var call = await run.CallAsync();
        Assert.Equal(TranscriptSource.Failed, result.TranscriptSource);
        Assert.Equal(TranscriptSource.Failed, call.TranscriptSource);
        Assert.Contains("unsupported audio", call.TranscriptFailure, StringComparison.Ordinal);
        _transcriber.Verify(t => t.TranscribeAsync(It.IsAny<Stream>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        _summaries.Verify(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.NotNull(call.WorkflowFinishedAt);
    }

    [Fact]
    public async Task A_summary_failing_transiently_is_retried_and_failing_permanently_leaves_the_call_finished_without_one()
    {
        _summaries.SetupSequence(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("500"))
            .ThrowsAsync(new PermanentFailureException("Summary refused (400)"));
        await using var run = await StartAsync(TranscriptionPolicy.RealtimeOnly, realtimeTurns: true);
        await run.EndCallAsync();

        var result = await run.CompleteAsync();

        Assert.False(result.Summarized);
        await AssertFinishedWithoutSummaryAfterTwoAttemptsAsync(run);
    }

    [Fact]
    public async Task A_summary_whose_lead_update_storage_refuses_as_bad_is_not_retried_and_the_call_still_finishes()
    {
        // First a transient failure (CompleteCall hands the summary to its own activity), then a lead name over Azure
        // Tables' 64 KB per property: the lead's update is answered 400, and a retry would be refused the same.
        _summaries.SetupSequence(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("500"))
            .ReturnsAsync(new CallSummary("summary", "intent", new string('x', 40_000), null, null))
            .ReturnsAsync(new CallSummary("summary", "intent", null, null, null));
        await using var run = await StartAsync(TranscriptionPolicy.RealtimeOnly, realtimeTurns: true, withLead: true);
        await run.EndCallAsync();

        var result = await run.CompleteAsync();

        Assert.False(result.Summarized);
        await AssertFinishedWithoutSummaryAfterTwoAttemptsAsync(run);
        var line = Assert.Single(_log.Lines, l => l.Category == typeof(CallWorkflow).FullName && l.Message.Contains(run.CallSid, StringComparison.Ordinal));
        Assert.Contains("Azure Storage refused a request of SummarizeCall", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finished_call_is_announced_to_the_tenants_dashboards_with_its_summary_after_it_is_marked_finished()
    {
        CallLog? atAnnouncement = null;
        WorkflowRun? current = null;
        _live.Setup(l => l.PublishAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<LiveEvent>>(), It.IsAny<CancellationToken>()))
            .Returns(async () => atAnnouncement = await current!.CallAsync());
        await using var run = current = await StartAsync(TranscriptionPolicy.RealtimeOnly, realtimeTurns: true);
        await run.EndCallAsync();

        await run.CompleteAsync();

        _live.Verify(l => l.PublishAsync(run.TenantId,
            It.Is<IReadOnlyList<LiveEvent>>(e => e.Count == 1 && e[0].Kind == LiveEventKind.CallFinished && e[0].CallSid == run.CallSid && e[0].Text == "summary"),
            It.IsAny<CancellationToken>()), Times.Once);
        Assert.NotNull(atAnnouncement?.WorkflowFinishedAt);
    }

    [Fact]
    public async Task An_announcement_that_keeps_failing_is_retried_then_given_up_and_the_call_still_completes()
    {
        _live.Setup(l => l.PublishAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<LiveEvent>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("503"));
        await using var run = await StartAsync(TranscriptionPolicy.RealtimeOnly, realtimeTurns: true);
        await run.EndCallAsync();

        var result = await run.CompleteAsync();

        Assert.True(result.Summarized);
        _live.Verify(l => l.PublishAsync(run.TenantId, It.IsAny<IReadOnlyList<LiveEvent>>(), It.IsAny<CancellationToken>()), Times.Exactly(Fast.MaxAttempts));
        Assert.NotNull((await run.CallAsync()).WorkflowFinishedAt);
    }

    private async Task AssertFinishedWithoutSummaryAfterTwoAttemptsAsync(WorkflowRun run)
    {
        _summaries.Verify(s => s.SummarizeAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        var call = await run.CallAsync();
        Assert.Null(call.Summary);
        Assert.NotNull(call.WorkflowFinishedAt);
    }

    private async Task<WorkflowRun> StartAsync(TranscriptionPolicy policy, bool realtimeTurns, bool withLead = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _fixture.StorageConnectionString,
            ["Storage:TablePrefix"] = _fixture.Host.Host.App.Configuration["Storage:TablePrefix"],
            ["Storage:RecordingsContainer"] = _fixture.Host.Host.App.Configuration["Storage:RecordingsContainer"],
            ["Twilio:AccountSid"] = CallCenterHost.AccountSid,
            ["Twilio:AuthToken"] = CallCenterHost.AuthToken,
            ["OpenAI:ApiKey"] = "unused",
            ["Bridge:StreamUrl"] = "wss://bridge.test/media",
            ["Bridge:TokenSigningKey"] = "test-bridge-signing-key-0123456789abcdef",
            ["WebPubSub:Endpoint"] = "http://127.0.0.1:9/",
        }).Build();
        var engine = await DurableTaskTestHost.StartAsync(r => CallWorkflow.Durable.AddTo(r), new DurableTaskTestHostOptions
        {
            // Left unset, the test host draws a port from 30000-40000 without asking whether it is free, which
            // overlaps the kernel's ephemeral range; a port the OS has just handed out is free.
            Port = AzuriteServer.FreePort(),
            ConfigureServices = services =>
            {
                services.AddLogging(l => l.AddProvider(_log));
                services.AddCallCenterStorage(configuration);
                services.AddCallCenterLiveEvents(configuration).AddCallCenterCalls(configuration).AddCallCenterWorkflow(configuration).AddCallCenterWebhooks(configuration);

                // Registered last, so they replace the real clients.
                services.AddSingleton(_media.Object);
                services.AddSingleton(_transcriber.Object);
                services.AddSingleton(_summaries.Object);
                services.AddSingleton(_live.Object);
            },
        });

        var tenant = await _fixture.Host.NewTenantAsync(policy);
        var call = TestCalls.Inbound(tenant);
        if (withLead)
        {
            call.LeadId = (await _fixture.Host.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, call.From, LeadSources.InboundCall)).Lead.Id;
        }

        await _fixture.Host.Get<CallLogStore>().CreateIfMissingAsync(call);
        if (realtimeTurns)
        {
            await _fixture.Host.Get<TurnStore>().AppendAsync(tenant.Id,
                [new ConversationTurn(call.CallSid, 1, TurnRole.Agent, "Hi!", TimeSpan.Zero), new ConversationTurn(call.CallSid, 2, TurnRole.Caller, "Hello.", TimeSpan.FromSeconds(1))]);
        }

        return new WorkflowRun(engine, _fixture.Host, tenant.Id, call.CallSid, CallWorkflowNames.InstanceId(call.CallSid));
    }

    private sealed record WorkflowRun(DurableTaskTestHost Engine, CallCenterHost Host, string TenantId, string CallSid, string InstanceId) : IAsyncDisposable
    {
        /// <summary>The call ends: its workflow starts, as the status callback starts it, with the end and the plan (a recording expected, none parked).</summary>
        public Task EndCallAsync() =>
            Engine.Client.ScheduleNewOrchestrationInstanceAsync(
                CallWorkflowNames.Orchestration,
                new CallWorkflowInput(TenantId, CallSid, Fast, new CallEnded("completed", 30), new CallPlan(RecordingExpected: true, DeleteRecordingFromTwilio: false, ParkedRecording: null)),
                new Microsoft.DurableTask.StartOrchestrationOptions(InstanceId));

        public Task SendRecordingAsync() =>
            Engine.Client.RaiseEventAsync(InstanceId, CallWorkflowNames.RecordingEvent,
                new RecordingReady("RE" + new string('1', 32), Host.Twilio.RecordingUrl("RE1").AbsoluteUri, "completed", 1, 2));

        public async Task<CallWorkflowResult> CompleteAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var done = await Engine.Client.WaitForInstanceCompletionAsync(InstanceId, getInputsAndOutputs: true, timeout.Token);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
            return done.ReadOutputAs<CallWorkflowResult>()!;
        }

        public async Task<CallLog> CallAsync() => (await Host.Get<CallLogStore>().GetAsync(TenantId, CallSid))!;

        public ValueTask DisposeAsync() => Engine.DisposeAsync();
    }
}
