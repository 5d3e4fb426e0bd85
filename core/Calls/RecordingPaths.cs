namespace CallCenter.Core.Calls;

/// <summary>Where a recording lives: <c>{tenant}/{yyyy}/{MM}/{dd}/{CallSid}/{RecordingSid}.{ext}</c>, dated by the call's start (UTC).</summary>
public static class RecordingPaths
{
    public static string For(string tenantId, DateTimeOffset callStart, string callSid, string recordingSid, string extension)
    {
        var day = callStart.UtcDateTime;
        return $"{tenantId}/{day:yyyy}/{day:MM}/{day:dd}/{callSid}/{recordingSid}.{extension}";
    }

    /// <summary>True only for a path inside the tenant's own folder.</summary>
    public static bool BelongsTo(string path, string tenantId) =>
        path.StartsWith(tenantId + "/", StringComparison.Ordinal) && !path.Contains("..", StringComparison.Ordinal);
}
