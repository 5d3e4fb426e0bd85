using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

public sealed record CallWorkflowResult(string? EndStatus, string? RecordingBlobPath, TranscriptSource TranscriptSource, bool Summarized);
