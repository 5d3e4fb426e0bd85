using System.ComponentModel.DataAnnotations;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// The bridge's own settings and limits, from the <c>MediaBridge</c> section (validated at start-up). The
/// accounts and keys are the shared <c>Twilio</c> and <c>OpenAI</c> sections the Functions app reads too.
/// </summary>
public sealed class MediaBridgeOptions : IValidatableObject
{
    public const string Section = "MediaBridge";

    /// <summary>The Realtime endpoint: null for OpenAI itself; a loopback URL for the local fake.</summary>
    public Uri? OpenAiEndpoint { get; set; }

    /// <summary>How events cross the SDK's session; see <see cref="Infrastructure.RealtimeTransport"/>.</summary>
    public RealtimeTransport RealtimeTransport { get; set; } = RealtimeTransport.SdkSocket;

    [Required]
    public string RealtimeModel { get; set; } = "gpt-realtime";

    [Required]
    public string TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    /// <summary>Checks <c>x-twilio-signature</c> on the WebSocket upgrade (over <c>Bridge:StreamUrl</c>).</summary>
    public bool ValidateTwilioSignature { get; set; } = true;

    /// <summary>Transcript and live events waiting for the background writer; past this they are dropped.</summary>
    [Range(16, 1_000_000)]
    public int TranscriptQueueCapacity { get; set; } = 8192;

    /// <summary>How long the goodbye may take to play before the bridge hangs up anyway.</summary>
    public TimeSpan GoodbyeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Keep-alive frames on the Twilio socket.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long Twilio has to send <c>start</c> after the socket opens.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sockets that have not sent <c>start</c> yet, at most; one more is closed at once (1013, try again
    /// later). Each is still bounded by <see cref="StartTimeout"/>.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxSocketsAwaitingStart { get; set; } = 100;

    /// <summary>
    /// A call whose Twilio socket sends nothing for this long is over (Twilio sends a frame every 20 ms):
    /// the bridge hangs it up once and closes its OpenAI session.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The time the platform gives a stopping replica (the container app's <c>terminationGracePeriodSeconds</c>).
    /// Live calls go on until they end or the grace nearly runs out; the host's shutdown timeout follows it.
    /// </summary>
    /// <remarks>In seconds, the platform's unit, so infra passes the very number it gives the platform.</remarks>
    [Range(20, 3600)]
    public int ShutdownGraceSeconds { get; set; } = 600;

    public TimeSpan ShutdownGrace => TimeSpan.FromSeconds(ShutdownGraceSeconds);

    /// <summary>The public port: <c>/media</c> only; the one the ingress forwards to.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>Health, readiness and metrics: reached by the platform's probes, never exposed by the ingress.</summary>
    [Range(1, 65535)]
    public int InternalPort { get; set; } = 8081;

    /// <summary>The host's shutdown timeout: the grace less a margin to exit before the platform kills the process.</summary>
    public TimeSpan ShutdownTimeout => ShutdownGrace - ExitMargin;

    /// <summary>When, after shutdown begins, the calls still live are asked to say goodbye, so it plays before the timeout.</summary>
    public TimeSpan ClosingLinesAfter => ShutdownTimeout - GoodbyeTimeout - ExitMargin;

    private static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    /// <summary>Optional raw μ-law 8 kHz file played when OpenAI cannot be reached again mid-call.</summary>
    public string? ApologyAudioFile { get; set; }

    /// <summary>
    /// The same clip as base64 (from Key Vault in Azure, where the container has no file of ours); it wins
    /// over <see cref="ApologyAudioFile"/>.
    /// </summary>
    [Base64String]
    public string? ApologyAudio { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // TimeSpan ranges here rather than as [Range(typeof(TimeSpan), …)], whose type-converter lookup the Native AOT
        // build cannot keep.
        foreach (var (name, value, max) in new[]
        {
            (nameof(GoodbyeTimeout), GoodbyeTimeout, TimeSpan.FromMinutes(1)),
            (nameof(StartTimeout), StartTimeout, TimeSpan.FromMinutes(1)),
            (nameof(IdleTimeout), IdleTimeout, TimeSpan.FromMinutes(5)),
        })
        {
            if (value < TimeSpan.FromSeconds(1) || value > max)
            {
                yield return new ValidationResult($"The field {name} must be between 00:00:01 and {max:c}.", [name]);
            }
        }

        if (Port == InternalPort)
        {
            yield return new ValidationResult("the internal port must differ from the public port", [nameof(InternalPort)]);
        }

        if (ClosingLinesAfter <= TimeSpan.Zero)
        {
            yield return new ValidationResult("the shutdown grace must exceed the goodbye timeout by more than 10 s", [nameof(ShutdownGraceSeconds)]);
        }
    }
}
