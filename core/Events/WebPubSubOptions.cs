using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Events;

public sealed class WebPubSubOptions
{
    public const string Section = "WebPubSub";

    /// <summary><c>https://&lt;name&gt;.webpubsub.azure.com</c>; the loopback stand-in locally.</summary>
    [Required]
    public Uri Endpoint { get; set; } = null!;

    [Required, RegularExpression(@"^[A-Za-z][A-Za-z0-9_]{0,127}\z")]
    public string Hub { get; set; } = "calls";

    /// <summary>
    /// Signs requests with the access key (HS256 JWT, as the REST API documents). Left empty in Azure, where
    /// local auth is off and the app's managed identity is used.
    /// </summary>
    public string? AccessKey { get; set; }

    /// <summary>
    /// How long a dashboard's client URL can be used to connect. Short, so that a revoked API key's URLs stop
    /// working within a minute: the URL is checked on connect only, and a dashboard negotiates again on reconnect.
    /// </summary>
    [Range(1, 60)]
    public int ClientTokenMinutes { get; set; } = 1;
}
