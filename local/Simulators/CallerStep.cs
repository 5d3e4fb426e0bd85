namespace CallCenter.Simulators;

/// <summary>One step of what the simulated caller does.</summary>
public abstract record CallerStep
{
    /// <summary>Say something (or stay silent): the audio goes out in 160-byte frames.</summary>
    public sealed record Send(byte[] Audio) : CallerStep;

    /// <summary>Wait until this much agent audio has been played to the caller.</summary>
    public sealed record WaitUntilHeard(int Ms) : CallerStep;

    /// <summary>Hang up: send <c>stop</c> and close, as Twilio does when the caller hangs up.</summary>
    public sealed record HangUp : CallerStep;

    /// <summary>Press keys: one <c>dtmf</c> message per digit, as Twilio sends them.</summary>
    public sealed record Dtmf(string Digits) : CallerStep;

    /// <summary>
    /// Stop reading the socket, as a stalled peer does: what the bridge sends then piles up in the socket
    /// buffers until its sends wait. The caller can still send (and hang up).
    /// </summary>
    public sealed record StopListening : CallerStep;
}
