using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Auth;

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
