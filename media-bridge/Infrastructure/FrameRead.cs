namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>What <see cref="WebSocketFrameReader"/> found next on a client's connection.</summary>
internal enum FrameRead
{
    /// <summary>A whole data message, in the caller's buffer.</summary>
    Message,

    /// <summary>A data message that outgrew the buffer's cap before it ended.</summary>
    TooBig,

    Ping,
    Pong,

    /// <summary>A valid close frame; its payload (code and reason, or nothing) is the control payload.</summary>
    Close,

    /// <summary>A frame RFC 6455 says fails the connection; the status and reason to close with are on the reader.</summary>
    Invalid,

    /// <summary>The connection ended without a close frame.</summary>
    Ended,
}
