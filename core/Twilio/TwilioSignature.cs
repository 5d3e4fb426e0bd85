using Microsoft.Extensions.Options;
using Twilio.Security;

namespace CallCenter.Core.Twilio;

/// <summary>Checks X-Twilio-Signature with the Twilio SDK's validator (HMAC over URL + sorted parameters).</summary>
public sealed class TwilioSignature(IOptions<TwilioOptions> options)
{
    private readonly RequestValidator _validator = new(options.Value.AuthToken);

    public bool IsValid(TwilioWebhook webhook) =>
        !string.IsNullOrEmpty(webhook.Signature)
        && _validator.Validate(webhook.Url, webhook.Form.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), webhook.Signature);
}
