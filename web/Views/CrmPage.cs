namespace CallCenter.Web;

/// <summary>One page of a listing; a continuation, when present, asks for the next (it is opaque and sealed to its tenant and listing).</summary>
public sealed record CrmPage<T>(IReadOnlyList<T> Items, string? Continuation);
