namespace CallCenter.Core.Calls;

/// <summary>Raised by the status callback when the call reached a terminal status.</summary>
public sealed record CallEnded(string Status, int? DurationSeconds);
