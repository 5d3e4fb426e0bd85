using System.ComponentModel.DataAnnotations;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// The bridge's own settings and limits, from the <c>MediaBridge</c> section (validated at start-up). The
/// accounts and keys are the shared <c>Twilio</c> and <c>OpenAI</c> sections the Functions app reads too.
/// </summary>
public sealed class MediaBridgeOptions
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

    /// <summary>Optional raw μ-law 8 kHz file played when OpenAI cannot be reached again mid-call.</summary>
    public string? ApologyAudioFile { get; set; }

    /// <summary>
    /// The same clip as base64 (from Key Vault in Azure, where the container has no file of ours); it wins
    /// over <see cref="ApologyAudioFile"/>.
    /// </summary>
    [Base64String]
    public string? ApologyAudio { get; set; }
}
