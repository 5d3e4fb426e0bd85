namespace CallCenter.Core.Auth;

/// <summary>Who a request speaks for, resolved once at the edge from its API key.</summary>
public sealed record ApiPrincipal(bool IsAdmin, string? TenantId, bool ManagesKeys = false)
{
    public static ApiPrincipal Admin { get; } = new(true, null, ManagesKeys: true);

    /// <summary>A tenant key reaches its own tenant only; callers answer 404 otherwise, never 403, so nothing leaks.</summary>
    public bool CanAccess(string tenantId) => IsAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}
