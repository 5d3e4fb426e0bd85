namespace CallCenter.Core.Calls;

/// <summary>
/// How the webhooks reach a call's workflow. Starting is idempotent (a live or finished workflow is never
/// replaced) and every signal starts the workflow first if no webhook has yet.
/// </summary>
public interface ICallWorkflowSignals
{
    Task EnsureStartedAsync(string tenantId, string callSid, CancellationToken ct = default);
    Task CallEndedAsync(string tenantId, string callSid, CallEnded ended, CancellationToken ct = default);
    Task RecordingAsync(string tenantId, string callSid, RecordingReady recording, CancellationToken ct = default);
}
