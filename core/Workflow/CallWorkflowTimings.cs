namespace CallCenter.Core.Workflow;

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
