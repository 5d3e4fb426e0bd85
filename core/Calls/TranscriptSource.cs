namespace CallCenter.Core.Calls;

/// <summary>Where a call's final transcript came from.</summary>
public enum TranscriptSource
{
    None,
    Realtime,
    Recording,
    Failed,
}
