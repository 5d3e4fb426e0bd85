using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.WhatsApp;

/// <summary>Meta's X-Hub-Signature-256: <c>sha256=</c> + hex HMAC-SHA256 of the raw body with the app secret.</summary>
public sealed class MetaSignature(IOptions<WhatsAppOptions> options)
{
    private const string Prefix = "sha256=";
    private readonly byte[]? _secret = options.Value.MetaAppSecret is { Length: > 0 } s ? Encoding.UTF8.GetBytes(s) : null;

    public bool IsValid(ReadOnlySpan<byte> body, string? header)
    {
        if (_secret is null || header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_secret, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>The header value for a body; the fakes and tests sign as Meta does.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
