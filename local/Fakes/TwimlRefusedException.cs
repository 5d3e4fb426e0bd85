namespace CallCenter.Fakes;

/// <summary>TwiML Twilio would not run (an unknown verb, a number that is not E.164, a bad attribute): on a live call it says "an application error has occurred" and hangs up.</summary>
public sealed class TwimlRefusedException(string message) : Exception(message);
