using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The operator's key; in Azure it comes from Key Vault. Long enough not to be guessed.</summary>
    [Required, MinLength(32)]
    public string AdminKey { get; set; } = "";
}

/// <summary>Who a request speaks for, resolved once at the edge from its API key.</summary>
public sealed record ApiPrincipal(bool IsAdmin, string? TenantId, bool ManagesKeys = false)
{
    public static ApiPrincipal Admin { get; } = new(true, null, ManagesKeys: true);

    /// <summary>A tenant key reaches its own tenant only; callers answer 404 otherwise, never 403, so nothing leaks.</summary>
    public bool CanAccess(string tenantId) => IsAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}

/// <summary>
/// A tenant key as listed. <see cref="ManagesKeys"/>: it may issue keys, granted by the operator only, as a
/// plain key that could mint keys would leave credentials behind that outlive its own revocation.
/// </summary>
public sealed record ApiKeyInfo(string TenantId, string KeyId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool ManagesKeys = false)
{
    public bool IsLive => RevokedAt is null;
}

/// <summary>A newly issued key: <see cref="Key"/> is shown once and never stored.</summary>
public sealed record IssuedApiKey(ApiKeyInfo Info, string Key);

/// <summary>
/// Tenant API keys: stored as SHA-256 hashes, several live at once so they can be rotated, each revocable.
/// A key reads <c>cck.{tenant}.{keyId}.{secret}</c> so that checking it is one point read.
/// </summary>
public sealed class ApiKeyService(ApiKeyStore store, IOptions<AuthOptions> options, TimeProvider time)
{
    private const string Prefix = "cck";

    /// <summary>The scope name of <see cref="ApiKeyInfo.ManagesKeys"/> in the API.</summary>
    public const string KeysScope = "keys";

    public Task<IssuedApiKey> IssueAsync(string tenantId, string name, CancellationToken ct = default) =>
        IssueAsync(tenantId, name, managesKeys: false, ct);

    public async Task<IssuedApiKey> IssueAsync(string tenantId, string name, bool managesKeys, CancellationToken ct = default)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = $"{Prefix}.{tenantId}.{keyId}.{secret}";
        var info = new ApiKeyInfo(tenantId, keyId, name, time.GetUtcNow(), null, managesKeys);
        await store.AddAsync(info, Hash(key), ct).ConfigureAwait(false);
        return new IssuedApiKey(info, key);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenantId, CancellationToken ct = default) =>
        store.ListAsync(tenantId, ct);

    /// <summary>Revokes a key; false when the tenant has no such key.</summary>
    public Task<bool> RevokeAsync(string tenantId, string keyId, CancellationToken ct = default) =>
        store.RevokeAsync(tenantId, keyId, time.GetUtcNow(), ct);

    /// <summary>The principal a presented key speaks for, or null when it is unknown, malformed or revoked.</summary>
    public async Task<ApiPrincipal?> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 256)
        {
            return null;
        }

        var hash = Hash(presented);
        if (CryptographicOperations.FixedTimeEquals(hash, Hash(options.Value.AdminKey)))
        {
            return ApiPrincipal.Admin;
        }

        var parts = presented.Split('.');
        if (parts is not [Prefix, var tenantId, var keyId, _] || !TenantIds.IsValid(tenantId) || keyId.Length != 12)
        {
            return null;
        }

        var stored = await store.GetHashAsync(tenantId, keyId, ct).ConfigureAwait(false);
        return stored is { RevokedAt: null } && CryptographicOperations.FixedTimeEquals(hash, stored.Hash)
            ? new ApiPrincipal(false, tenantId, stored.ManagesKeys)
            : null;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
