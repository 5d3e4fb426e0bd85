namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>Ends or redirects a live call; the bridge is the only component that does.</summary>
public interface ICallControl
{
    Task HangUpAsync(string callSid, CancellationToken ct = default);

    /// <summary>Hands the call to the TwiML at <paramref name="url"/> (POST): Twilio ends the call's stream with <c>stop</c>.</summary>
    Task RedirectAsync(string callSid, Uri url, CancellationToken ct = default);
}
