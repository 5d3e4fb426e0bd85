using CallCenter.Core.Calls;

namespace CallCenter.Core.Workflow;

/// <summary>
/// What <see cref="CompleteCall"/> needs: the recording the workflow has (if any), whether to look for a parked one
/// (the wait for it ran out), whether Twilio's copy goes after the download, and whether the call connected
/// (only then is it summarized).
/// </summary>
public sealed record CompleteCallInput(
    string TenantId, string CallSid, RecordingReady? Recording, bool LookForParkedRecording, bool DeleteRecordingFromTwilio, bool Connected) : ICallStepInput;
