namespace CallCenter.Core.Storage;

/// <summary>One page of a listing; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Continuation);
