using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

/// <summary>What the workflow needs to know about the call's tenant before it waits for the recording.</summary>
public sealed record CallPlan(bool RecordingExpected, bool DeleteRecordingFromTwilio, RecordingReady? ParkedRecording);
