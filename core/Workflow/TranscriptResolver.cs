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
    public async Task<TranscriptOutcome> ResolveAsync(TranscriptInput input, CancellationToken ct = default)
    {
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

        var transcribed = decision == TranscriptAction.TranscribeRecording ? await TranscribeAsync(tenant, input, ct) : null;
        var text = decision switch
        {
            TranscriptAction.KeepRealtime => realtime,
            TranscriptAction.TranscribeRecording => transcribed?.Text,
            _ => null,
        };

        // Written under the ETag of the row read above (no second read): a row changed meanwhile is read again.
        await calls.UpdateForwardAsync(input.TenantId, input.CallSid, c =>
        {
            c.FinalTranscript = text;
            c.TranscriptSource = source;
            c.TranscriptFailure = null;
            c.TranscriptionUsage = transcribed?.Usage ?? c.TranscriptionUsage;
            return true;
        }, ct);
        return new TranscriptOutcome(source, decision);
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

    private async Task<Transcription> TranscribeAsync(Tenant tenant, TranscriptInput input, CancellationToken ct)
    {
        await using var audio = await recordings.OpenReadAsync(input.TenantId, input.RecordingBlobPath!, ct)
            ?? throw new PermanentFailureException($"Recording {input.RecordingBlobPath} is missing.");
        return await transcriber.TranscribeAsync(audio, Path.GetFileName(input.RecordingBlobPath!), tenant.Language, ct);
    }
}
