using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Workflow;

/// <summary>The one place that decides where a call's final transcript comes from.</summary>
public static class TranscriptPolicy
{
    public static TranscriptAction Decide(TranscriptionPolicy policy, bool hasRealtimeTranscript, bool hasRecording) => policy switch
    {
        TranscriptionPolicy.RealtimeOnly => hasRealtimeTranscript ? TranscriptAction.KeepRealtime : TranscriptAction.None,
        TranscriptionPolicy.PreferRecording => hasRecording ? TranscriptAction.TranscribeRecording
            : hasRealtimeTranscript ? TranscriptAction.KeepRealtime : TranscriptAction.None,
        _ => hasRealtimeTranscript ? TranscriptAction.KeepRealtime
            : hasRecording ? TranscriptAction.TranscribeRecording : TranscriptAction.None,
    };

    /// <summary>The source a decision records on the call.</summary>
    public static TranscriptSource SourceOf(TranscriptAction action) => action switch
    {
        TranscriptAction.KeepRealtime => TranscriptSource.Realtime,
        TranscriptAction.TranscribeRecording => TranscriptSource.Recording,
        _ => TranscriptSource.None,
    };
}
