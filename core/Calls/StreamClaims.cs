namespace CallCenter.Core.Calls;

/// <summary>What the Functions app tells the bridge about a call, signed so the bridge can trust it.</summary>
/// <remarks><see cref="AnsweredBy"/> is Twilio's answering-machine verdict for an outbound call, null when none.</remarks>
public sealed record StreamClaims(string TenantId, string CallSid, CallDirection Direction, DateTimeOffset ExpiresAt, string? AnsweredBy = null)
{
    /// <summary>Twilio's detection found a machine (its greeting over): the agent leaves the voicemail message.</summary>
    public bool AnsweredByMachine => AnsweredByValues.IsMachine(AnsweredBy);
}
