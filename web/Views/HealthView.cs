namespace CallCenter.Web;

/// <summary>The liveness answer.</summary>
public sealed record HealthView(string Status);
