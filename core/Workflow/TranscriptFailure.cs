namespace CallCenter.Core.Workflow;

public sealed record TranscriptFailure(string TenantId, string CallSid, string Reason) : ICallStepInput;
