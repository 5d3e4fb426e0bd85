namespace CallCenter.Core.Workflow;

public enum TranscriptAction
{
    /// <summary>Keep what the realtime session transcribed.</summary>
    KeepRealtime,

    /// <summary>Transcribe the stored recording.</summary>
    TranscribeRecording,

    /// <summary>Nothing to transcribe from.</summary>
    None,
}
