namespace CallCenter.MediaBridge.Sessions;

/// <summary>The Twilio Media Stream events the relay acts on; everything else is <see cref="Other"/>.</summary>
internal enum TwilioEvent
{
    Other,
    Media,
    Mark,
    Stop,

    /// <summary>The caller pressed a key (bidirectional streams only); the parser's <c>Digit</c> says which.</summary>
    Dtmf,
}
