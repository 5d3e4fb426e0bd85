namespace CallCenter.Core.Calls;

/// <summary>What one retention run deleted of one call: its recording (the blob path) and/or its transcript.</summary>
public sealed record RetentionDeletion(string TenantId, string CallSid, DateTimeOffset CallStartedAt, string? RecordingPath, bool Transcript);
