namespace CallCenter.Simulators;

public enum Pacing
{
    /// <summary>One 20 ms frame every 20 ms, as Twilio sends.</summary>
    RealTime,

    /// <summary>As fast as the socket takes them.</summary>
    FlatOut,
}
