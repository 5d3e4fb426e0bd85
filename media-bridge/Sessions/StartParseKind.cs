namespace CallCenter.MediaBridge.Sessions;

internal enum StartParseKind
{
    Connected,
    Start,
    Refused,
}
