using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.WhatsApp;

public sealed class WhatsAppOptions
{
    public const string Section = "WhatsApp";

    /// <summary>
    /// The Meta app's secret: X-Hub-Signature-256 is an HMAC with it. From Key Vault in Azure. Unset, every
    /// Meta webhook is refused (fail closed), so a deployment without the Meta channel still starts.
    /// </summary>
    [MinLength(16)]
    public string? MetaAppSecret { get; set; }

    /// <summary>The system-user token that sends through the Graph API; unset, Meta sends fail permanently.</summary>
    public string? MetaAccessToken { get; set; }

    /// <summary>The Graph API base with its version; a loopback fake in local runs and tests.</summary>
    [Required]
    public Uri MetaGraphBaseUrl { get; set; } = new("https://graph.facebook.com/v21.0/");

    /// <summary>Twilio's Messages API base; a loopback fake in local runs and tests.</summary>
    [Required]
    public Uri TwilioMessagingBaseUrl { get; set; } = new("https://api.twilio.com/");

    /// <summary>How many earlier messages of the conversation the model sees.</summary>
    [Range(1, 200)]
    public int HistoryMessages { get; set; } = 30;
}
