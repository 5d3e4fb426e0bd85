namespace CallCenter.Core.Workflow;

public sealed class CallWorkflowOptions
{
    public const string Section = "CallWorkflow";

    public CallWorkflowTimings Timings { get; set; } = new();

    /// <summary>
    /// How often the local host runs the open-call sweep (<see cref="OpenCallSweeper"/>); the Functions app's timer
    /// runs it every 5 minutes. A call whose recording never comes starts this long after the recording's timeout at most.
    /// </summary>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromMinutes(5);
}
