using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Events;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Storage;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;

namespace CallCenter.Core.Workflow;

/// <summary>The workflow's first and last steps: what to wait for, marking the call finished, and saying so.</summary>
public sealed class CallWorkflowSteps(TenantCache tenants, CallLogStore calls, ILiveEvents live, TimeProvider time)
{
    public async Task<CallPlan> PlanAsync(CallRef call)
    {
        using var span = CallTelemetry.StartStep(CallActivities.Plan, call.TenantId, call.CallSid);
        // The tenant's recording settings as the webhooks see them; the call's direction and numbers never change.
        var tenant = await tenants.GetAsync(call.TenantId) ?? throw new PermanentFailureException($"Tenant {call.TenantId} is gone.");
        var log = await calls.GetLastKnownAsync(call.TenantId, call.CallSid) ?? throw new PermanentFailureException($"Call {call.CallSid} is gone.");
        var tenantNumber = log.Direction == CallDirection.Inbound ? log.To : log.From;
        return new CallPlan(tenant.Records(tenantNumber), tenant.DeleteRecordingFromTwilio, await calls.GetParkedRecordingAsync(call.CallSid));
    }

    /// <summary>After this, callbacks for the call no longer start or signal its workflow.</summary>
    public async Task FinishAsync(CallRef call)
    {
        using var span = CallTelemetry.StartStep(CallActivities.Finish, call.TenantId, call.CallSid);
        await calls.UpdateAsync(call.TenantId, call.CallSid, c =>
        {
            if (c.WorkflowFinishedAt is not null)
            {
                return false;
            }

            c.WorkflowFinishedAt = time.GetUtcNow();
            return true;
        });
    }

    /// <summary>Call-finished to the tenant's dashboards, carrying the summary; sent at least once.</summary>
    public async Task PublishFinishedAsync(CallRef call, CancellationToken ct = default)
    {
        using var span = CallTelemetry.StartStep(CallActivities.PublishFinished, call.TenantId, call.CallSid);
        var log = await calls.GetAsync(call.TenantId, call.CallSid, ct);
        await live.PublishAsync(call.TenantId, [new LiveEvent(call.CallSid, LiveEventKind.CallFinished, null, log?.Summary, 0, time.GetUtcNow())], ct);
    }
}

/// <summary>
/// The only code in the product that fetches a recording: streams Twilio's media into the tenant's blob.
/// A blob already stored for the RecordingSid is not fetched again.
/// </summary>
public sealed class RecordingDownloader(CallLogStore calls, RecordingStore recordings, ITwilioMedia twilio)
{
    public async Task<string> DownloadAsync(DownloadRecordingInput input, CancellationToken ct = default)
    {
        using var span = CallTelemetry.StartStep(CallActivities.DownloadRecording, input.TenantId, input.CallSid);
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        var path = RecordingPaths.For(input.TenantId, call.CreatedAt, input.CallSid, input.RecordingSid, "wav");
        if (!await recordings.ExistsAsync(input.TenantId, path, ct))
        {
            await using var media = await twilio.OpenRecordingAsync(new Uri(input.RecordingUrl), ct);
            await recordings.UploadIfAbsentAsync(input.TenantId, path, media, "audio/wav", ct);
        }

        await calls.UpdateAsync(input.TenantId, input.CallSid, c =>
        {
            if (c.RecordingBlobPath == path)
            {
                return false;
            }

            c.RecordingSid = input.RecordingSid;
            c.RecordingBlobPath = path;
            return true;
        }, ct);

        if (input.DeleteFromTwilio)
        {
            await twilio.DeleteRecordingAsync(input.RecordingSid, ct);
        }

        return path;
    }
}

/// <summary>
/// Settles a call's final transcript by its tenant's <see cref="TranscriptionPolicy"/>, transcribing the
/// recording only when the policy says so, and at most once per call.
/// </summary>
public sealed class TranscriptResolver(TenantStore tenants, CallLogStore calls, TurnStore turns, RecordingStore recordings, ITranscriber transcriber)
{
    public async Task<TranscriptOutcome> ResolveAsync(TranscriptInput input, CancellationToken ct = default)
    {
        using var span = CallTelemetry.StartStep(CallActivities.ResolveTranscript, input.TenantId, input.CallSid);
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        var tenant = await tenants.GetAsync(input.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {input.TenantId} is gone.");
        var realtime = RealtimeTranscript(await turns.ListAsync(input.TenantId, input.CallSid, ct));
        var decision = TranscriptPolicy.Decide(tenant.TranscriptionPolicy, realtime is not null, input.RecordingBlobPath is not null);
        var source = TranscriptPolicy.SourceOf(decision);

        // Settled by an earlier run of this step: nothing to redo (and no second transcription).
        if (call.TranscriptSource == source && source != TranscriptSource.None)
        {
            return new TranscriptOutcome(source, decision);
        }

        var text = decision switch
        {
            TranscriptAction.KeepRealtime => realtime,
            TranscriptAction.TranscribeRecording => await TranscribeAsync(tenant, input, ct),
            _ => null,
        };

        await calls.UpdateAsync(input.TenantId, input.CallSid, c =>
        {
            c.FinalTranscript = text;
            c.TranscriptSource = source;
            c.TranscriptFailure = null;
            return true;
        }, ct);
        return new TranscriptOutcome(source, decision);
    }

    public async Task RecordFailureAsync(TranscriptFailure failure, CancellationToken ct = default)
    {
        using var span = CallTelemetry.StartStep(CallActivities.RecordTranscriptFailure, failure.TenantId, failure.CallSid);
        await calls.UpdateAsync(failure.TenantId, failure.CallSid, c =>
        {
            c.TranscriptSource = TranscriptSource.Failed;
            c.TranscriptFailure = failure.Reason.Length > 1000 ? failure.Reason[..1000] : failure.Reason;
            return true;
        }, ct);
    }

    /// <summary>The conversation as the realtime session heard it, or null when it heard no one.</summary>
    internal static string? RealtimeTranscript(IReadOnlyList<ConversationTurn> turns)
    {
        var spoken = turns.Where(t => t.Role != TurnRole.Tool && !string.IsNullOrWhiteSpace(t.Text)).OrderBy(t => t.Sequence).ToList();
        return spoken.Any(t => t.Role == TurnRole.Caller)
            ? string.Join('\n', spoken.Select(t => $"{(t.Role == TurnRole.Caller ? "Caller" : "Agent")}: {t.Text}"))
            : null;
    }

    private async Task<string> TranscribeAsync(Tenant tenant, TranscriptInput input, CancellationToken ct)
    {
        await using var audio = await recordings.OpenReadAsync(input.TenantId, input.RecordingBlobPath!, ct)
            ?? throw new PermanentFailureException($"Recording {input.RecordingBlobPath} is missing.");
        return await transcriber.TranscribeAsync(audio, Path.GetFileName(input.RecordingBlobPath!), tenant.Language, ct);
    }
}

/// <summary>Summarizes a finished call into the CRM: the call's summary and intent, and the lead's fields.</summary>
public sealed class CallSummarizer(TenantStore tenants, CallLogStore calls, LeadStore leads, ICallSummaryModel model)
{
    public async Task<bool> SummarizeAsync(CallRef input, CancellationToken ct = default)
    {
        using var span = CallTelemetry.StartStep(CallActivities.Summarize, input.TenantId, input.CallSid);
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        if (call.Summary is not null)
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(call.FinalTranscript))
        {
            return false;
        }

        var tenant = await tenants.GetAsync(input.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {input.TenantId} is gone.");
        var summary = await model.SummarizeAsync(call.FinalTranscript, tenant.Language, ct);

        // The lead first, keyed by the CallSid in its notes, so a retry after a crash changes it only once.
        if (call.LeadId is { } leadId)
        {
            var marker = $"[{call.CallSid}]";
            await leads.UpdateAsync(input.TenantId, leadId, lead => lead with
            {
                Name = string.IsNullOrWhiteSpace(lead.Name) ? summary.LeadName : lead.Name,
                Status = summary.LeadStatus is { } s && LeadStatuses.All.Contains(s) ? s : lead.Status,
                Notes = summary.FollowUp is null || lead.Notes?.Contains(marker, StringComparison.Ordinal) == true
                    ? lead.Notes
                    : $"{lead.Notes}{(string.IsNullOrEmpty(lead.Notes) ? "" : "\n")}{marker} {summary.FollowUp}",
            }, ct);
        }

        await calls.UpdateAsync(input.TenantId, input.CallSid, c =>
        {
            c.Summary = summary.Summary;
            c.CallerIntent = summary.CallerIntent;
            c.FollowUp = summary.FollowUp;
            return true;
        }, ct);
        return true;
    }
}
