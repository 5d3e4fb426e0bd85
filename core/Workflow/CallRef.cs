namespace CallCenter.Core.Workflow;

/// <summary>A call as the workflow's activities name it.</summary>
public sealed record CallRef(string TenantId, string CallSid) : ICallStepInput;
