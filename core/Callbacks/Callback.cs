namespace CallCenter.Core.Callbacks;

/// <summary>
/// A call back to a lead at a time they asked for: one per (tenant, lead, due time), placed once by its own
/// durable orchestration at <see cref="ScheduledFor"/> (the due time moved into the tenant's calling hours).
/// <see cref="CallId"/> is the placed call's CallSid once Twilio accepted it; <see cref="OutboundCallId"/> is our
/// outbound request's id, known as soon as the callback decides to dial.
/// </summary>
public sealed record Callback
{
    public required string TenantId { get; init; }
    public required string Id { get; init; }
    public required string LeadId { get; init; }
    public required string Phone { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public DateTimeOffset ScheduledFor { get; init; }
    public string? Reason { get; init; }
    public string Source { get; init; } = CallbackSources.Api;
    public string Status { get; init; } = CallbackStatuses.Scheduled;
    public string? StatusReason { get; init; }
    public string? CallId { get; init; }
    public string? OutboundCallId { get; init; }

    /// <summary>The call whose agent asked for this callback (source <c>call</c>): its end starts the orchestration.</summary>
    public string? RequestedByCallSid { get; init; }
}
