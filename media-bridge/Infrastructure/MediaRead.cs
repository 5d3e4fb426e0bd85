namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>What a receive on the Twilio socket brought the session.</summary>
internal enum MediaRead
{
    /// <summary>A whole message, in the session's buffer.</summary>
    Message,

    /// <summary>A message over the cap; the session closes with 1009.</summary>
    TooBig,

    /// <summary>The stream is over: closed by the peer, failed for a protocol error (and closed by us), or dropped.</summary>
    Closed,
}
