namespace CallCenter.MediaBridge.Sessions;

/// <summary>The Twilio Media Stream events the relay acts on; everything else is <see cref="Other"/>.</summary>
internal enum TwilioEvent
{
    Other,
    Media,
    Mark,
    Stop,
}
