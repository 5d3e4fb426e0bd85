using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.Webhooks;

/// <summary>
/// The <c>CallCenter-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>,
/// with one <c>v1=</c> per live secret (two during a rotation's grace period), as Stripe signs.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "CallCenter-Signature";

    public static string Sign(IEnumerable<string> secrets, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(t + "." + body);
        var parts = new List<string> { "t=" + t };
        foreach (var secret in secrets)
        {
            parts.Add("v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        }

        return string.Join(',', parts);
    }
}
