namespace CallCenter.MediaBridge.Sessions;

/// <summary>A limit a call has reached.</summary>
internal enum CallLimit
{
    None,

    /// <summary>Twilio sent nothing for the idle timeout: the call is gone; hang up once and drop the socket.</summary>
    Silent,

    /// <summary>The tenant's maximum length is reached: the agent says a closing line, then the call hangs up.</summary>
    TooLong,
}
