namespace CallCenter.Core.Workflow;

public sealed record TranscriptInput(string TenantId, string CallSid, string? RecordingBlobPath) : ICallStepInput;
