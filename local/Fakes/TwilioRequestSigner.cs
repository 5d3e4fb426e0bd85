using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Fakes;

/// <summary>Signs a webhook as Twilio does: base64(HMAC-SHA1(auth token, URL + each parameter name+value, names sorted ordinally)).</summary>
public static class TwilioRequestSigner
{
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
