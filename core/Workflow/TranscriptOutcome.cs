using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

public sealed record TranscriptOutcome(TranscriptSource Source, TranscriptAction Decision);
