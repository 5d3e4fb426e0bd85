namespace CallCenter.MediaBridge.Sessions;

/// <summary>What the session does when its OpenAI session is lost.</summary>
internal enum ReconnectStep
{
    /// <summary>The call is ending or the caller is gone: nothing to save.</summary>
    Stop,

    /// <summary>Open a new OpenAI session and carry the conversation over.</summary>
    Reconnect,

    /// <summary>OpenAI cannot be had again: play the apology and hang up.</summary>
    Apologise,
}
