namespace CallCenter.MediaBridge.Sessions;

/// <summary>What a read from Twilio's socket completed.</summary>
internal enum TwilioRead
{
    Partial,
    Message,
    TooBig,
}
