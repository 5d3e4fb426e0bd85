using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

/// <summary>
/// What settling a call's transcript decided: the outcome, the change to the call's row (null when an earlier run
/// settled it), and whether a transcription was paid for to make it (then the change is written at once, so a
/// re-run finds it and does not transcribe again).
/// </summary>
public sealed record TranscriptSettlement(TranscriptOutcome Outcome, Func<CallLog, bool>? Change, bool Transcribed);
