namespace CallCenter.Core.Auth;

/// <summary>
/// A tenant key as listed. <see cref="ManagesKeys"/>: it may issue keys, granted by the operator only, as a
/// plain key that could mint keys would leave credentials behind that outlive its own revocation.
/// </summary>
public sealed record ApiKeyInfo(string TenantId, string KeyId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool ManagesKeys = false)
{
    public bool IsLive => RevokedAt is null;
}
