namespace CallCenter.Core.Calls;

/// <summary>Twilio's call statuses, in the order a call can move through them.</summary>
public enum CallStatus
{
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Canceled,
    Failed,
}
