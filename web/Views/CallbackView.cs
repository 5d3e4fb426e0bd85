using CallCenter.Core.Callbacks;

namespace CallCenter.Web;

/// <summary>
/// A callback as the CRM sees it. <c>callId</c> is the placed call's id in the calls API (its CallSid) once Twilio
/// accepted it, and our outbound request's id between the decision to dial and that answer.
/// </summary>
public sealed record CallbackView(
    string Id, string LeadId, string Phone, DateTimeOffset RequestedAt, DateTimeOffset DueAt, DateTimeOffset ScheduledFor,
    string? Reason, string Source, string Status, string? StatusReason, string? CallId)
{
    public static CallbackView Of(Callback c) => new(
        c.Id, c.LeadId, c.Phone, c.RequestedAt, c.DueAt, c.ScheduledFor, c.Reason, c.Source, c.Status, c.StatusReason, c.CallId ?? c.OutboundCallId);
}
