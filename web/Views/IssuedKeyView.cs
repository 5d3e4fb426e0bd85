using CallCenter.Core.Auth;

namespace CallCenter.Web;

/// <summary>A key just issued: the only answer that carries the key.</summary>
public sealed record IssuedKeyView(string KeyId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string Key)
{
    public static IssuedKeyView Of(IssuedApiKey issued) =>
        new(issued.Info.KeyId, issued.Info.Name, KeyView.ScopesOf(issued.Info), issued.Info.CreatedAt, issued.Key);
}
