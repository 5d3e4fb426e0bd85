using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Auth;

/// <summary>
/// The continuation a client holds: the table's own token sealed with an HMAC over the tenant and listing it
/// was issued for, under a key derived from the server's admin key. A token of another tenant or listing,
/// edited or made up, opens to nothing (<see cref="BadContinuationException"/>), never to a query.
/// </summary>
public sealed class ContinuationTokens(IOptions<AuthOptions> options)
{
    // 128 bits of MAC: forging one is out of reach, and the token stays short in a query string.
    private const int MacBytes = 16;
    private const int MaxSealedChars = 4096;

    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey), "continuation-tokens/v1"u8);

    /// <summary>The client's form of a table continuation; null stays null (the last page).</summary>
    public string? Seal(string tenantId, string listing, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var raw = Encoding.UTF8.GetBytes(token);
        var sealedBytes = new byte[MacBytes + raw.Length];
        Mac(tenantId, listing, raw).CopyTo(sealedBytes, 0);
        raw.CopyTo(sealedBytes, MacBytes);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The table continuation a client token stands for; null for none; throws for one we did not issue to this tenant and listing.</summary>
    public string? Open(string tenantId, string listing, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        if (presented.Length > MaxSealedChars || !Base64Url.IsValid(presented, out var length) || length <= MacBytes)
        {
            throw new BadContinuationException();
        }

        var bytes = Base64Url.DecodeFromChars(presented);
        var raw = bytes.AsSpan(MacBytes);
        if (!CryptographicOperations.FixedTimeEquals(bytes.AsSpan(0, MacBytes), Mac(tenantId, listing, raw)))
        {
            throw new BadContinuationException();
        }

        return Encoding.UTF8.GetString(raw);
    }

    private byte[] Mac(string tenantId, string listing, ReadOnlySpan<byte> raw)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{tenantId}\n{listing}\n"));
        hmac.AppendData(raw);
        return hmac.GetHashAndReset()[..MacBytes];
    }
}
