namespace CallCenter.Core.Calls;

/// <summary>
/// What a call listing keeps: created in [<see cref="From"/>, <see cref="To"/>), of one direction, with one
/// number at either end, of one lead (all read from the date index on the service), and in one status (checked
/// on the call rows the index page points to, as status changes after the call is created).
/// </summary>
public sealed record CallListFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    CallDirection? Direction = null,
    string? Phone = null,
    string? LeadId = null,
    CallStatus? Status = null);
