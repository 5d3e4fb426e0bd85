namespace CallCenter.Core.Storage;

/// <summary>An update gave up: other writers kept changing the row between each read and replace.</summary>
public sealed class OptimisticUpdateException(string message, Exception inner) : Exception(message, inner);
