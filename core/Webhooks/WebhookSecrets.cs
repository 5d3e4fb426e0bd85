using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Auth;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Webhooks;

/// <summary>
/// Endpoint signing secrets: 32 random bytes, shown to the tenant once, stored sealed (AES-GCM) under a key
/// derived from the admin key, with the tenant and endpoint as associated data. Signing needs the secret itself,
/// so it cannot be stored as a hash; sealed, a reader of the table alone cannot sign, and a sealed secret copied
/// to another endpoint does not open.
/// </summary>
public sealed class WebhookSecrets(IOptions<AuthOptions> options)
{
    public const string Prefix = "whsec_";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey), "webhook-secrets/v1"u8);

    /// <summary>A new secret as the tenant sees it; the HMAC key is its UTF-8 text, prefix included.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public string Seal(string tenantId, string endpointId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Associated(tenantId, endpointId));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret; throws <see cref="CryptographicException"/> for one sealed for another endpoint or under another admin key.</summary>
    public string Open(string tenantId, string endpointId, string sealedSecret)
    {
        var sealedBytes = Convert.FromBase64String(sealedSecret);
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Associated(tenantId, endpointId));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Associated(string tenantId, string endpointId) => Encoding.UTF8.GetBytes(tenantId + "\n" + endpointId);
}
