namespace CallCenter.Simulators;

public sealed record SimulatedCallOptions
{
    /// <summary>The bridge's <c>/media</c> URL, which is also what the upgrade is signed over.</summary>
    public required Uri StreamUrl { get; init; }

    public required string AuthToken { get; init; }
    public required string CallSid { get; init; }
    public string AccountSid { get; init; } = "AC00000000000000000000000000000000";
    public string StreamSid { get; init; } = "MZ" + Guid.NewGuid().ToString("N");

    /// <summary><c>start.customParameters</c>: the stream token and anything else the TwiML passed.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public Pacing Pacing { get; init; } = Pacing.FlatOut;

    /// <summary>Echo marks when their audio would have finished playing (true) or as soon as they arrive.</summary>
    public bool RealTimePlayback { get; init; }

    public IReadOnlyList<CallerStep> Script { get; init; } = [];

    /// <summary>Keep what the caller hears, for assertions or a WAV file.</summary>
    public bool Record { get; init; } = true;

    /// <summary>Sign the upgrade with this token instead (forgery tests); null signs with <see cref="AuthToken"/>.</summary>
    public string? SignWith { get; init; }
}
