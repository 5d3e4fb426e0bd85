using CallCenter.Core.Auth;

namespace CallCenter.Web;

/// <summary>An API key as listed: never the key itself.</summary>
public sealed record KeyView(string KeyId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static KeyView Of(ApiKeyInfo k) => new(k.KeyId, k.Name, ScopesOf(k), k.CreatedAt, k.RevokedAt);

    internal static string[] ScopesOf(ApiKeyInfo key) => key.ManagesKeys ? [ApiKeyService.KeysScope] : [];
}
