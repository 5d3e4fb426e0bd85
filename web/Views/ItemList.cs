namespace CallCenter.Web;

/// <summary>A whole listing, short enough to need no pages.</summary>
public sealed record ItemList<T>(IReadOnlyList<T> Items);
