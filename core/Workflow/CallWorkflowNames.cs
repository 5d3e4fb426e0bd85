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
