using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Core.Webhooks;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// What the <see cref="CompleteCall"/> activity does: every stage of <see cref="CallStages.InOrder"/> on one copy of
/// the call's row, read once at the start and carried through. A stage changes the copy and queues the same change
/// for the row; the queue is written (one conditional replace under the row's ETag, re-applied to the row as stored
/// on a 412) only where exactly-once needs it durable:
/// <list type="bullet">
/// <item>before Twilio's copy of the recording is deleted (our path must be on the row first: a re-run then knows
/// the blob is stored and does not fetch the media Twilio no longer has);</item>
/// <item>right after a transcription (paid for: a re-run finds the transcript and does not transcribe again);</item>
/// <item>at the figures, after the summary: the summary (paid for), the finish mark and the cost go together,
/// before the day is counted, the webhooks are planned from the row and the dashboards are told.</item>
/// </list>
/// Everything left queued is idempotent by key (the blob by its name, the realtime transcript by the turns, the lead
/// by the CallSid in its notes, the figures by the call, the deliveries by event and endpoint), so a crash that loses
/// the queue makes a re-run redo it with no second effect. A stage that throws ends the run: the queue is written
/// first, and the run reports that stage (or, when the write fails, the first stage whose change it held) for the
/// workflow to take over from with the stages' own activities.
/// </summary>
public sealed class CallCompleter(
    CallLogStore calls,
    TenantCache tenants,
    RecordingDownloader downloader,
    ITwilioMedia twilio,
    TranscriptResolver transcripts,
    CallSummarizer summarizer,
    CallWorkflowSteps steps,
    CallMetricsRecorder metrics,
    WebhookDispatcher dispatcher,
    IOptions<WebhookOptions> webhooks)
{
    public async Task<CallCompletion> CompleteAsync(CompleteCallInput input, Func<DurableTaskClient> client, CancellationToken ct = default)
    {
        var callRef = new CallRef(input.TenantId, input.CallSid);
        var done = new CallCompletion(input.Recording, null, null, false);
        var row = new CarriedCallRow(calls, callRef);
        var stage = CallStage.Recording;
        Stream? audio = null;
        try
        {
            // The one read of the call: the stages decide from this copy, and every write goes under its ETag.
            await row.ReadAsync(ct);
            foreach (var step in CallStages.InOrder)
            {
                stage = step.Stage;
                switch (stage)
                {
                    case CallStage.Recording:
                        // The wait for the recording ran out: a recording parked after the workflow planned is taken here.
                        var recording = input.Recording ?? (input.LookForParkedRecording ? await calls.GetParkedRecordingAsync(input.CallSid, ct) : null);
                        done = done with { Recording = recording };
                        if (recording is { Status: "completed" })
                        {
                            using var span = CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid);
                            var path = RecordingPaths.For(input.TenantId, row.Call.CreatedAt, input.CallSid, recording.RecordingSid, "wav");
                            if (row.Call.RecordingBlobPath != path)
                            {
                                audio = await downloader.StoreAsync(input.TenantId, path, recording.RecordingUrl, ct);
                                row.Change(c => RecordingDownloader.RecordPath(c, recording.RecordingSid, path), stage);
                            }

                            if (input.DeleteRecordingFromTwilio)
                            {
                                await row.WriteAsync(ct);
                                await twilio.DeleteRecordingAsync(recording.RecordingSid, ct);
                            }

                            done = done with { RecordingBlobPath = path };
                        }

                        break;

                    case CallStage.Transcript:
                        using (CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid))
                        {
                            var settled = await transcripts.SettleAsync(row.Call, done.RecordingBlobPath, audio, ct);
                            if (settled.Change is { } change)
                            {
                                row.Change(change, stage);
                            }

                            if (settled.Transcribed)
                            {
                                await row.WriteAsync(ct);
                            }

                            done = done with { TranscriptSource = settled.Outcome.Source };
                        }

                        break;

                    case CallStage.Summary when CallWorkflow.Summarizes(done.TranscriptSource!.Value, input.Connected):
                        using (CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid))
                        {
                            // Written with the finish mark and the figures: nothing between here and there repeats an effect.
                            var (summarized, change) = await summarizer.SummarizeAsync(row.Call, ct);
                            if (change is not null)
                            {
                                row.Change(change, stage);
                            }

                            done = done with { Summarized = summarized };
                        }

                        break;

                    case CallStage.Finish:
                        using (CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid))
                        {
                            row.Change(steps.MarkFinished(), stage);
                        }

                        break;

                    case CallStage.Metrics:
                        using (CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid))
                        {
                            var tenant = await tenants.GetAsync(input.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {input.TenantId} is gone.");
                            row.Change(metrics.PriceOnce(done.Recording?.DurationSeconds), stage);

                            // The day is counted from the stored row, as a re-run would count it.
                            await row.WriteAsync(ct);
                            await metrics.AddToDayAsync(tenant, row.Call, ct);
                        }

                        break;

                    case CallStage.Webhooks:
                        using (CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid))
                        {
                            await DeliverCallWebhooks.StartEachAsync(await dispatcher.PlanCallAsync(row.Call, ct), client, webhooks.Value.Timings);
                        }

                        break;

                    case CallStage.Publish:
                        using (CallTelemetry.StartStep(step.Activity, input.TenantId, input.CallSid))
                        {
                            await steps.PublishFinishedAsync(callRef, row.Call.Summary, ct);
                        }

                        break;
                }
            }

            return done;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What the stages before this one did is made durable, so the workflow can take over from this one.
            var failedAt = stage;
            var failure = e;
            var permanent = Failures.IsPermanent(e);
            if (row.FirstUnwritten is { } unwritten)
            {
                try
                {
                    await row.WriteAsync(ct);
                }
                catch (Exception f) when (f is not OperationCanceledException)
                {
                    // The write held several stages' changes: each stage's own activity writes its own, so a refused
                    // request (a 400) is left for the one whose change it is to fail permanently.
                    (failedAt, failure, permanent) = (unwritten, f, f is PermanentFailureException);
                }
            }

            return done with { FailedAt = failedAt, Failure = failure.Message, Permanent = permanent };
        }
        finally
        {
            if (audio is not null)
            {
                await audio.DisposeAsync();
            }
        }
    }
}
