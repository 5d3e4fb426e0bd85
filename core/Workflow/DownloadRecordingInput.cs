namespace CallCenter.Core.Workflow;

public sealed record DownloadRecordingInput(string TenantId, string CallSid, string RecordingSid, string RecordingUrl, bool DeleteFromTwilio) : ICallStepInput;
