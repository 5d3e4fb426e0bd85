using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Twilio;

public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    [Required, RegularExpression("^AC[0-9a-fA-F]{32}$")]
    public string AccountSid { get; set; } = "";

    /// <summary>Signs every webhook (we verify) and authenticates REST calls; from Key Vault in Azure.</summary>
    [Required, MinLength(16)]
    public string AuthToken { get; set; } = "";

    /// <summary>
    /// The public base URL Twilio calls (https://…); webhook signatures are computed over it. When unset, the
    /// request's own scheme and host are used.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Take scheme and host from X-Forwarded-Proto/Host: only behind a proxy we run.</summary>
    public bool TrustForwardedHeaders { get; set; }

    /// <summary>Twilio's REST API; a loopback fake in local runs and tests.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");

    /// <summary>Hosts a RecordingUrl may point at: Twilio's API host, or the configured API base.</summary>
    public bool IsTrustedMediaUrl(Uri url) =>
        (url.Scheme == Uri.UriSchemeHttps && url.Host.Equals("api.twilio.com", StringComparison.OrdinalIgnoreCase))
        || (url.Scheme == ApiBaseUrl.Scheme && url.Authority.Equals(ApiBaseUrl.Authority, StringComparison.OrdinalIgnoreCase));
}
