namespace CallCenter.Core.Calls;

/// <summary>
/// How the webhooks reach a call's workflow. The workflow starts once, when the call's end is known and, if a
/// recording is expected, the recording too (whichever of the terminal status and the recording comes last starts
/// it), never from the voice webhook; a live or finished workflow is never replaced.
/// </summary>
public interface ICallWorkflowSignals
{
    Task CallEndedAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct = default);
    Task RecordingAsync(string tenantId, string callSid, RecordingReady recording, CancellationToken ct = default);
}
