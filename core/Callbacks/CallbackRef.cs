namespace CallCenter.Core.Callbacks;

/// <summary>A callback as its orchestration names it: the input it starts with.</summary>
public sealed record CallbackRef(string TenantId, string CallbackId, DateTimeOffset ScheduledFor);
