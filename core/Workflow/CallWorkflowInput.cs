using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

/// <summary>
/// A call workflow's start. Started when the call's end is known, it carries the end and the plan, so the workflow
/// neither waits for the end nor plans; an instance of the earlier shape (started by the voice webhook, without
/// them) still waits for the end and plans as it did.
/// </summary>
/// <remarks>
/// <c>Swept</c>: started by the open-call sweep after the wait was over (the recording overdue, or the end never
/// reported); the workflow waits for nothing and goes on with what the input holds, looking once more for a parked
/// recording.
/// </remarks>
public sealed record CallWorkflowInput(string TenantId, string CallSid, CallWorkflowTimings Timings, CallEnded? Ended = null, CallPlan? Plan = null, bool Swept = false)
{
    /// <summary>
    /// An instance started with this input may wait for the call's end or its recording: the earliest shape (no end,
    /// no plan) waits for both; one started by the end before the recording came (an earlier version) waits for the
    /// recording. This version starts none that wait.
    /// </summary>
    public bool MayWaitForEvents() => !Swept && (Ended is null || Plan is null || DurableCallWorkflowSignals.AwaitsRecording(Plan, Ended));
}
