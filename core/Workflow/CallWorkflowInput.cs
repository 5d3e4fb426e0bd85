namespace CallCenter.Core.Workflow;

public sealed record CallWorkflowInput(string TenantId, string CallSid, CallWorkflowTimings Timings);
