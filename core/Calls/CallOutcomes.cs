namespace CallCenter.Core.Calls;

/// <summary>How a call ended, as analytics count it; one function decides, so a new outcome is added here only.</summary>
public static class CallOutcomes
{
    public const string Completed = "completed";
    public const string Transferred = "transferred";
    public const string Voicemail = "voicemail";
    public const string Busy = "busy";
    public const string NoAnswer = "no-answer";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static IReadOnlyList<string> All { get; } = [Completed, Transferred, Voicemail, Busy, NoAnswer, Failed, Canceled];

    /// <summary>
    /// The outcome of a call from Twilio's final status, its AnsweredBy (a machine answered: voicemail) and
    /// whether the agent transferred it. A call still in progress when its workflow gave up waiting was
    /// connected, so it counts as completed; one that never got that far as failed.
    /// </summary>
    public static string Of(CallStatus? status, string? answeredBy = null, bool transferred = false) => status switch
    {
        CallStatus.Completed or CallStatus.InProgress when transferred => Transferred,
        CallStatus.Completed or CallStatus.InProgress when AnsweredByValues.IsMachine(answeredBy) => Voicemail,
        CallStatus.Completed or CallStatus.InProgress => Completed,
        CallStatus.Busy => Busy,
        CallStatus.NoAnswer => NoAnswer,
        CallStatus.Canceled => Canceled,
        _ => Failed,
    };

    /// <summary>A stored call's outcome: transferred only when a human took the transfer (an unanswered one came back to the agent).</summary>
    public static string Of(CallLog call) => Of(call.Status, call.AnsweredBy, call.Transfer?.Outcome == TransferOutcomes.Answered);
}
