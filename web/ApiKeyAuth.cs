using CallCenter.Core.Auth;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>Resolves the caller of the CRM API from its key, once, at the edge.</summary>
public static class ApiKeyAuth
{
    /// <summary>The key from <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.</summary>
    public static string? PresentedKey(HttpRequest request) =>
        request.Headers["X-Api-Key"].ToString() is { Length: > 0 } key
            ? key
            : request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
                ? auth["Bearer ".Length..].Trim()
                : null;

    /// <summary>
    /// Null when the caller may act for <paramref name="tenantId"/>; otherwise the answer to give: 401 for no
    /// or a bad key, 404 for another tenant's key (so nothing about other tenants leaks).
    /// </summary>
    public static async Task<IResult?> DenyUnlessTenantAsync(HttpRequest request, ApiKeyService keys, string tenantId)
    {
        var principal = await keys.AuthenticateAsync(PresentedKey(request), request.HttpContext.RequestAborted);
        return principal is null ? Results.Unauthorized()
            : principal.CanAccess(tenantId) ? null
            : Results.NotFound();
    }
}
