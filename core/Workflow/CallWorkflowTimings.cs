namespace CallCenter.Core.Workflow;

/// <summary>How long the workflow waits and retries; fixed when the workflow starts, so replays agree.</summary>
/// <remarks>Settable, not init-only: core's options are bound by generated code, which fills the existing instance.</remarks>
public sealed record CallWorkflowTimings
{
    /// <summary>Bound on a call's length before the workflow goes on without its end.</summary>
    public TimeSpan CallEndTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Bound on the wait for the recording after the call ended.</summary>
    public TimeSpan RecordingTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public int MaxAttempts { get; set; } = 5;
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(2);
}
