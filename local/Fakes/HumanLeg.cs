namespace CallCenter.Fakes;

/// <summary>What the person a transfer dials does: Twilio's <c>DialCallStatus</c> follows from it.</summary>
public enum HumanLeg
{
    /// <summary>Picks up, hears the whisper, talks, hangs up: <c>completed</c>.</summary>
    Answers,

    /// <summary>The line is engaged: <c>busy</c>.</summary>
    Busy,

    /// <summary>Rings out the Dial's timeout: <c>no-answer</c>.</summary>
    NoAnswer,
}
