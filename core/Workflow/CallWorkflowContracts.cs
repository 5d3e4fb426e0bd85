namespace CallCenter.Core.Workflow;

/// <summary>The per-call workflow's names and its one instance id per call.</summary>
public static class CallWorkflowNames
{
    public const string Orchestration = "CallWorkflow";
    public const string CallEndedEvent = "CallEnded";
    public const string RecordingEvent = "Recording";

    /// <summary>Derived from the CallSid alone, so every webhook of a call names the same instance.</summary>
    public static string InstanceId(string callSid) => "call-" + callSid;
}

/// <summary>How long the workflow waits and retries; fixed when the workflow starts, so replays agree.</summary>
public sealed record CallWorkflowTimings
{
    /// <summary>Bound on a call's length before the workflow goes on without its end.</summary>
    public TimeSpan CallEndTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Bound on the wait for the recording after the call ended.</summary>
    public TimeSpan RecordingTimeout { get; init; } = TimeSpan.FromMinutes(15);

    public int MaxAttempts { get; init; } = 5;
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(2);
}

public sealed record CallWorkflowInput(string TenantId, string CallSid, CallWorkflowTimings Timings);

/// <summary>Raised by the status callback when the call reached a terminal status.</summary>
public sealed record CallEnded(string Status, int? DurationSeconds);

/// <summary>Raised by the recording callback; <see cref="Status"/> is Twilio's RecordingStatus.</summary>
public sealed record RecordingReady(string RecordingSid, string RecordingUrl, string Status, int? DurationSeconds, int Channels);

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
