namespace CallCenter.Core.Tenants;

/// <summary>How a call's final transcript is chosen; decided in one place, <c>TranscriptPolicy</c>.</summary>
public enum TranscriptionPolicy
{
    /// <summary>Transcribe the recording only when the realtime transcript is missing or failed.</summary>
    FallbackToRecording,

    /// <summary>Keep only what the realtime session heard; never transcribe the recording.</summary>
    RealtimeOnly,

    /// <summary>Replace the realtime transcript by the recording's.</summary>
    PreferRecording,
}
