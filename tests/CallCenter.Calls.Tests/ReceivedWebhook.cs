using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Calls.Tests;

/// <summary>One request as the endpoint saw it, and what it answered.</summary>
public sealed record ReceivedWebhook(DateTimeOffset At, string Signature, string Body, int Answered)
{
    /// <summary>
    /// The receiver's own check, written from the documented scheme and not the product's signer: parse
    /// <c>t=…,v1=…</c>, HMAC-SHA256 the secret over "t.body", compare with any v1 in constant time, and
    /// refuse a timestamp more than five minutes off.
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        string? t = null;
        var candidates = new List<string>();
        foreach (var part in Signature.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            var (key, value) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (key == "t")
            {
                t = value;
            }
            else if (key == "v1")
            {
                candidates.Add(value);
            }
        }

        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(t + "." + Body));
        var hex = new StringBuilder();
        foreach (var b in expected)
        {
            hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        var want = Encoding.ASCII.GetBytes(hex.ToString());
        return candidates.Any(c => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(c), want));
    }
}
