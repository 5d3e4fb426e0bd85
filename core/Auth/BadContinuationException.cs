namespace CallCenter.Core.Auth;

/// <summary>A continuation the client sent back that is not one we issued.</summary>
public sealed class BadContinuationException() : Exception("continuation is not valid");
