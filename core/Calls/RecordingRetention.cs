using CallCenter.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>
/// Enforces each tenant's <see cref="Tenant.RecordingRetentionDays"/>: for every call that started before the
/// tenant's cutoff, deletes the recording blob, and the transcript and turns when the tenant asks
/// (<see cref="Tenant.DeleteTranscriptsOnRetention"/>), then marks the call (<see cref="CallLog.RecordingDeletedAt"/>,
/// <see cref="CallLog.TranscriptDeletedAt"/>). The marks are the record of what was deleted, with one log line
/// per call and one per run; a marked call is skipped, so a second run deletes and records nothing.
/// </summary>
public sealed partial class RecordingRetention(
    TenantStore tenants, CallLogStore calls, TurnStore turns, RecordingStore recordings, TimeProvider time, ILogger<RecordingRetention> logger)
{
    public async Task<IReadOnlyList<RetentionDeletion>> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var deleted = new List<RetentionDeletion>();
        foreach (var tenant in await tenants.ListAsync(ct).ConfigureAwait(false))
        {
            var cutoff = now - TimeSpan.FromDays(tenant.RecordingRetentionDays);
            await foreach (var call in calls.ListStartedBeforeAsync(tenant.Id, cutoff, ct).ConfigureAwait(false))
            {
                if (await ExpireAsync(tenant, call, now, ct).ConfigureAwait(false) is { } deletion)
                {
                    deleted.Add(deletion);
                    Deleted(logger, tenant.Id, call.CallSid, call.CreatedAt, deletion.RecordingPath ?? "none", deletion.Transcript);
                }
            }
        }

        RunDone(logger, now, deleted.Count);
        return deleted;
    }

    private async Task<RetentionDeletion?> ExpireAsync(Tenant tenant, CallLog call, DateTimeOffset now, CancellationToken ct)
    {
        var recording = call.RecordingBlobPath is not null && call.RecordingDeletedAt is null ? call.RecordingBlobPath : null;
        var transcript = tenant.DeleteTranscriptsOnRetention && call.TranscriptDeletedAt is null;
        if (recording is null && !transcript)
        {
            return null;
        }

        // Deleted first, marked after: a run cut short in between deletes again (a no-op) and then marks.
        if (recording is not null)
        {
            await recordings.DeleteIfExistsAsync(tenant.Id, recording, ct).ConfigureAwait(false);
        }

        var turnsDeleted = transcript ? await turns.DeleteAsync(tenant.Id, call.CallSid, ct).ConfigureAwait(false) : 0;
        var hadTranscript = transcript && (turnsDeleted > 0 || call.FinalTranscript is not null);
        await calls.UpdateAsync(tenant.Id, call.CallSid, c =>
        {
            var changed = false;
            if (recording is not null && c.RecordingDeletedAt is null)
            {
                c.RecordingDeletedAt = now;
                changed = true;
            }

            if (transcript && c.TranscriptDeletedAt is null)
            {
                c.TranscriptDeletedAt = now;
                c.FinalTranscript = null;
                changed = true;
            }

            return changed;
        }, ct).ConfigureAwait(false);

        return recording is not null || hadTranscript
            ? new RetentionDeletion(tenant.Id, call.CallSid, call.CreatedAt, recording, hadTranscript)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted of tenant {TenantId} call {CallSid} (started {StartedAt:O}): recording {RecordingPath}, transcript {Transcript}")]
    private static partial void Deleted(ILogger logger, string tenantId, string callSid, DateTimeOffset startedAt, string recordingPath, bool transcript);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention run at {At:O}: {Calls} calls had recordings or transcripts deleted")]
    private static partial void RunDone(ILogger logger, DateTimeOffset at, int calls);
}
