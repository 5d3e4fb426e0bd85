using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Workflow;

/// <summary>
/// Settles a call's final transcript by its tenant's <see cref="TranscriptionPolicy"/>, transcribing the
/// recording only when the policy says so, and at most once per call.
/// </summary>
public sealed class TranscriptResolver(TenantCache tenants, CallLogStore calls, TurnStore turns, RecordingStore recordings, ITranscriber transcriber)
{
    /// <summary>The workflow's own step (<see cref="ResolveTranscript"/>): the call as stored now, settled and written.</summary>
    public async Task<TranscriptOutcome> ResolveAsync(TranscriptInput input, CancellationToken ct = default)
    {
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        var settled = await SettleAsync(call, input.RecordingBlobPath, null, ct);

        // Written under the ETag of the row read above (no second read): a row changed meanwhile is read again.
        if (settled.Change is { } change)
        {
            await calls.UpdateForwardAsync(input.TenantId, input.CallSid, change, ct);
        }

        return settled.Outcome;
    }

    /// <summary>
    /// Settles the transcript of <paramref name="call"/> (a copy read by this run) without writing it: transcribes
    /// only when the policy says so and the call has no transcript of that source yet, from <paramref name="audio"/>
    /// when the caller holds the recording's bytes, else from the stored blob.
    /// </summary>
    public async Task<TranscriptSettlement> SettleAsync(CallLog call, string? recordingBlobPath, Stream? audio, CancellationToken ct = default)
    {
        var tenant = await tenants.GetAsync(call.TenantId, ct) ?? throw new PermanentFailureException($"Tenant {call.TenantId} is gone.");
        var hasRecording = recordingBlobPath is not null;

        // Preferring a recording that is there, the policy does not ask about the realtime turns: no query for them.
        var realtime = tenant.TranscriptionPolicy == TranscriptionPolicy.PreferRecording && hasRecording
            ? null
            : RealtimeTranscript(await turns.ListAsync(call.TenantId, call.CallSid, ct));
        var decision = TranscriptPolicy.Decide(tenant.TranscriptionPolicy, realtime is not null, hasRecording);
        var source = TranscriptPolicy.SourceOf(decision);
        var outcome = new TranscriptOutcome(source, decision);

        // Settled by an earlier run of this step: nothing to redo (and no second transcription).
        if (call.TranscriptSource == source && source != TranscriptSource.None)
        {
            return new TranscriptSettlement(outcome, null, false);
        }

        var transcribed = decision == TranscriptAction.TranscribeRecording ? await TranscribeAsync(tenant, call.TenantId, recordingBlobPath!, audio, ct) : null;
        var text = decision switch
        {
            TranscriptAction.KeepRealtime => realtime,
            TranscriptAction.TranscribeRecording => transcribed?.Text,
            _ => null,
        };

        return new TranscriptSettlement(outcome, c =>
        {
            if (c.TranscriptSource == source && c.FinalTranscript == text && c.TranscriptFailure is null && transcribed?.Usage is null)
            {
                return false;
            }

            c.FinalTranscript = text;
            c.TranscriptSource = source;
            c.TranscriptFailure = null;
            c.TranscriptionUsage = transcribed?.Usage ?? c.TranscriptionUsage;
            return true;
        }, transcribed is not null);
    }

    public Task RecordFailureAsync(TranscriptFailure failure, CancellationToken ct = default) =>
        calls.UpdateAsync(failure.TenantId, failure.CallSid, c =>
        {
            c.TranscriptSource = TranscriptSource.Failed;
            c.TranscriptFailure = failure.Reason.Length > 1000 ? failure.Reason[..1000] : failure.Reason;
            return true;
        }, ct);

    /// <summary>The conversation as the realtime session heard it, or null when it heard no one.</summary>
    internal static string? RealtimeTranscript(IReadOnlyList<ConversationTurn> turns)
    {
        var spoken = turns.Where(t => t.Role != TurnRole.Tool && !string.IsNullOrWhiteSpace(t.Text)).OrderBy(t => t.Sequence).ToList();
        return spoken.Any(t => t.Role == TurnRole.Caller)
            ? string.Join('\n', spoken.Select(t => $"{(t.Role == TurnRole.Caller ? "Caller" : t.Role == TurnRole.Dtmf ? "Keypad" : "Agent")}: {t.Text}"))
            : null;
    }

    private async Task<Transcription> TranscribeAsync(Tenant tenant, string tenantId, string blobPath, Stream? audio, CancellationToken ct)
    {
        if (audio is not null)
        {
            return await transcriber.TranscribeAsync(audio, Path.GetFileName(blobPath), tenant.Language, ct);
        }

        await using var stored = await recordings.OpenReadAsync(tenantId, blobPath, ct)
            ?? throw new PermanentFailureException($"Recording {blobPath} is missing.");
        return await transcriber.TranscribeAsync(stored, Path.GetFileName(blobPath), tenant.Language, ct);
    }
}
