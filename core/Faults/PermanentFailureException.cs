namespace CallCenter.Core.Faults;

/// <summary>A failure that retrying cannot fix (a missing recording, a refused credential, bad audio).</summary>
public sealed class PermanentFailureException(string message, Exception? inner = null) : Exception(message, inner);
