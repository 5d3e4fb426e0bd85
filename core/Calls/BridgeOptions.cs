using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Calls;

public sealed class BridgeOptions
{
    public const string Section = "Bridge";

    /// <summary>The media bridge's public WebSocket URL, <c>wss://…/media</c>; Twilio allows no query string.</summary>
    [Required]
    public Uri StreamUrl { get; set; } = null!;

    /// <summary>Shared by the Functions app (signs) and the bridge (verifies); from Key Vault in Azure.</summary>
    [Required, MinLength(32)]
    public string TokenSigningKey { get; set; } = "";

    /// <summary>How long Twilio has to open the stream after we answer the call.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
