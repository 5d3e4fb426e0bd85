namespace CallCenter.Fakes;

/// <summary>
/// What Twilio did with a redirected call's <c>&lt;Dial&gt;</c>: the caller's TwiML, the whisper the called person
/// heard (null when nobody picked up), the Dial action it posted and what that answered.
/// </summary>
public sealed record TransferRun(
    string CallerTwiml,
    IReadOnlyList<string> Dialled,
    string? WhisperTwiml,
    IReadOnlyList<string> WhisperSaid,
    string DialCallStatus,
    Uri ActionUrl,
    string ActionMethod,
    IReadOnlyDictionary<string, string> ActionForm,
    string ActionTwiml);
