using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

/// <summary>
/// A call workflow's start. Started when the call's end is known, it carries the end and the plan, so the workflow
/// neither waits for the end nor plans; an instance of the earlier shape (started by the voice webhook, without
/// them) still waits for the end and plans as it did.
/// </summary>
public sealed record CallWorkflowInput(string TenantId, string CallSid, CallWorkflowTimings Timings, CallEnded? Ended = null, CallPlan? Plan = null);
