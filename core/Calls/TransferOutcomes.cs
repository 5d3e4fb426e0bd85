namespace CallCenter.Core.Calls;

/// <summary>The outcomes of a transfer as the API shows them.</summary>
public static class TransferOutcomes
{
    public const string Pending = "pending";
    public const string Answered = "answered";
    public const string Busy = "busy";
    public const string NoAnswer = "no-answer";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>
    /// Twilio's <c>DialCallStatus</c> as an outcome: <c>completed</c> and <c>answered</c> mean the human took
    /// the call; <c>canceled</c> means the caller hung up while it rang. Null for anything else.
    /// </summary>
    public static string? FromDialCallStatus(string? status) => status switch
    {
        "completed" or "answered" => Answered,
        "busy" => Busy,
        "no-answer" => NoAnswer,
        "failed" => Failed,
        "canceled" => Canceled,
        _ => null,
    };
}
