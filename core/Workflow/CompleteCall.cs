using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Webhooks;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Every step after the waits in one activity, in the workflow's order: store the recording, settle the transcript,
/// summarize, mark the call finished, record its figures, start its webhook deliveries, tell the dashboards. One
/// activity is one engine round trip instead of seven. Each step is the same idempotent code its own activity runs,
/// in its own span; the first step that throws ends this run, which reports it instead of failing, and the workflow
/// takes over from that step with the step's own activity and retries (a permanent failure is not run again).
/// </summary>
public sealed class CompleteCall(
    CallLogStore calls,
    RecordingDownloader downloader,
    TranscriptResolver transcripts,
    CallSummarizer summarizer,
    CallWorkflowSteps steps,
    CallMetricsRecorder metrics,
    WebhookDispatcher dispatcher,
    IOptions<WebhookOptions> webhooks,
    IServiceProvider services) : CallStep<CompleteCallInput, CallCompletion>
{
    /// <summary>The client that starts webhook deliveries (see <see cref="DeliverCallWebhooks.Client"/>).</summary>
    public DurableTaskClient? Client { get; set; }

    protected override async Task<CallCompletion> RunStepAsync(CompleteCallInput input)
    {
        var call = new CallRef(input.TenantId, input.CallSid);
        var done = new CallCompletion(input.Recording, null, null, false);
        var stage = CallStage.Recording;
        try
        {
            // The wait for the recording ran out: a recording parked after the workflow planned is taken here.
            var recording = input.Recording ?? (input.LookForParkedRecording ? await calls.GetParkedRecordingAsync(input.CallSid) : null);
            done = done with { Recording = recording };
            if (recording is { Status: "completed" })
            {
                var path = await StepAsync(nameof(DownloadRecording), call, () => downloader.DownloadAsync(
                    new DownloadRecordingInput(input.TenantId, input.CallSid, recording.RecordingSid, recording.RecordingUrl, input.DeleteRecordingFromTwilio)));
                done = done with { RecordingBlobPath = path };
            }

            stage = CallStage.Transcript;
            var outcome = await StepAsync(nameof(ResolveTranscript), call, () => transcripts.ResolveAsync(new TranscriptInput(input.TenantId, input.CallSid, done.RecordingBlobPath)));
            done = done with { TranscriptSource = outcome.Source };

            stage = CallStage.Summary;
            if (CallWorkflow.Summarizes(outcome.Source, input.Connected))
            {
                done = done with { Summarized = await StepAsync(nameof(SummarizeCall), call, () => summarizer.SummarizeAsync(call)) };
            }

            stage = CallStage.Finish;
            await StepAsync(nameof(FinishCall), call, async () => { await steps.FinishAsync(call); return true; });

            stage = CallStage.Metrics;
            await StepAsync(nameof(RecordCallMetrics), call, () => metrics.RecordAsync(new CallMetricsInput(input.TenantId, input.CallSid, recording?.DurationSeconds)));

            stage = CallStage.Webhooks;
            await StepAsync(nameof(DeliverCallWebhooks), call, () => DeliverCallWebhooks.StartAsync(
                dispatcher, () => Client ?? services.GetRequiredService<DurableTaskClient>(), webhooks.Value.Timings, call));

            stage = CallStage.Publish;
            await StepAsync(nameof(PublishCallFinished), call, async () => { await steps.PublishFinishedAsync(call); return true; });
            return done;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return done with { FailedAt = stage, Failure = e.Message, Permanent = e is PermanentFailureException };
        }
    }

    private static async Task<T> StepAsync<T>(string step, CallRef call, Func<Task<T>> run)
    {
        using var span = CallTelemetry.StartStep(step, call.TenantId, call.CallSid);
        return await run();
    }
}
