namespace CallCenter.Core.Calls;

/// <summary>
/// One voice-to-voice latency of a call: <see cref="Kind"/> <c>greeting</c> from the stream's start to the agent's
/// first audio frame, <c>turn</c> from the caller's end of speech to the first frame of the agent's answer.
/// </summary>
public sealed record LatencyTurn(DateTimeOffset At, int Ms, string Kind)
{
    public const string Greeting = "greeting";
    public const string Turn = "turn";
}
