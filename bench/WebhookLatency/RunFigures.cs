namespace CallCenter.Bench.WebhookLatency;

/// <summary>A run's headline figures, kept for the comparison printed after interleaved runs.</summary>
internal sealed record RunFigures(string Label, bool Valid)
{
    public double HostMsPerCall { get; init; } = double.NaN;
    public double AzuriteMsPerCall { get; init; } = double.NaN;
    public double VoiceP99 { get; init; } = double.NaN;
    public double StatusP99 { get; init; } = double.NaN;
    public double RequestsPerCall { get; init; } = double.NaN;
    public double VoiceRequestsPerCall { get; init; } = double.NaN;
    public double VoiceTaskHubPerCall { get; init; } = double.NaN;
    public double CompletionsPerSecond { get; init; } = double.NaN;
    public int Completed { get; init; }
    public int Calls { get; init; }
    public int InvisibleLeft { get; init; }
}
