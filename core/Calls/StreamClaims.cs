namespace CallCenter.Core.Calls;

/// <summary>What the Functions app tells the bridge about a call, signed so the bridge can trust it.</summary>
/// <remarks><see cref="AnsweredBy"/> is Twilio's answering-machine verdict for an outbound call, null when none.</remarks>
public sealed record StreamClaims(string TenantId, string CallSid, CallDirection Direction, DateTimeOffset ExpiresAt, string? AnsweredBy = null)
{
    /// <summary>Twilio's detection found a machine (its greeting over): the agent leaves the voicemail message.</summary>
    public bool AnsweredByMachine => AnsweredByValues.IsMachine(AnsweredBy);

    /// <summary>
    /// Where the call's Twilio webhooks live (<c>https://…/api/twilio/</c>, the voice webhook's folder): the
    /// bridge redirects a transfer to a route under it. Null in a token that names none.
    /// </summary>
    public Uri? TwilioBase { get; init; }

    /// <summary>
    /// Set on the stream that takes a caller back after a transfer no human answered: the transfer's outcome
    /// (<c>busy</c>, <c>no-answer</c>, <c>failed</c>). Null on the call's first stream.
    /// </summary>
    public string? AfterTransfer { get; init; }
}
