namespace CallCenter.Core.Workflow;

public sealed class CallWorkflowOptions
{
    public const string Section = "CallWorkflow";

    public CallWorkflowTimings Timings { get; set; } = new();
}
