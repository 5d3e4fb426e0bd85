using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Twilio;

public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    [Required, RegularExpression(@"^AC[0-9a-fA-F]{32}\z")]
    public string AccountSid { get; set; } = "";

    /// <summary>Signs every webhook (we verify) and authenticates REST calls; from Key Vault in Azure.</summary>
    [Required, MinLength(16)]
    public string AuthToken { get; set; } = "";

    /// <summary>
    /// The public base URL Twilio calls (https://…); webhook signatures are computed over it. When unset, the
    /// request's own scheme and host are used.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// The public base without its trailing slash, path prefix kept (<c>https://host/prefix</c>): Twilio signs
    /// the URL it was given, and <c>new Uri(base, "/api/…")</c> would drop the prefix.
    /// </summary>
    public string? PublicRoot => PublicBaseUrl?.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>A URL under the public base, such as <c>PublicUrl("api/twilio/status?x=1")</c>.</summary>
    public Uri PublicUrl(string pathAndQuery) =>
        new((PublicRoot ?? throw new InvalidOperationException("Twilio:PublicBaseUrl is not set.")) + "/" + pathAndQuery.TrimStart('/'));

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
