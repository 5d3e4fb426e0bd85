using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

/// <summary>
/// How far <see cref="CompleteCall"/> got: what its steps gave, and the first step that failed (null when every
/// step ran), with the reason and whether it was permanent. The workflow runs the steps from that one on as their
/// own activities, each with its own retries.
/// </summary>
public sealed record CallCompletion(
    RecordingReady? Recording,
    string? RecordingBlobPath,
    TranscriptSource? TranscriptSource,
    bool Summarized,
    CallStage? FailedAt = null,
    string? Failure = null,
    bool Permanent = false);
