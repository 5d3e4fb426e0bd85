namespace CallCenter.Core.Calls;

/// <summary>
/// A call the API asked us to place; <see cref="CallSid"/> is known once Twilio accepted it.
/// <see cref="DialIntentAt"/> is written before the dial: a request that has it and no CallSid may have been
/// dialled by a run that crashed before it could write what Twilio answered.
/// </summary>
public sealed record OutboundCallRequest(
    string TenantId, string CallId, string To, string From, string? LeadId, string? CallSid, DateTimeOffset? DialIntentAt = null);
