using CallCenter.Core.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>
/// An operator route's request once the admin key is checked: 401 without a valid key, 404 for tenant keys (the
/// route does not exist for them), or, where the route names a tenant, 403 for that tenant's own keys.
/// </summary>
public sealed class AdminScope : CrmScope
{
    private AdminScope(ApiPrincipal principal, HttpRequest request)
        : base(principal, request)
    {
    }

    public static async Task<CrmAnswer<Results<UnauthorizedProblem, NotFoundProblem>, TResult>> RunAsync<TResult>(HttpRequest request, Func<AdminScope, Task<TResult>> endpoint)
        where TResult : IResult, IEndpointMetadataProvider
    {
        var principal = await CrmAccess.AuthenticateAsync(request);
        return principal is null ? CrmAnswer<Results<UnauthorizedProblem, NotFoundProblem>, TResult>.Refused(new UnauthorizedProblem())
            : !principal.IsAdmin ? CrmAnswer<Results<UnauthorizedProblem, NotFoundProblem>, TResult>.Refused(new NotFoundProblem())
            : CrmAnswer<Results<UnauthorizedProblem, NotFoundProblem>, TResult>.Answered(await endpoint(new AdminScope(principal, request)));
    }

    /// <summary>As <see cref="RunAsync"/>, for a route on one tenant: that tenant's own keys get 403, other keys 404.</summary>
    public static async Task<CrmAnswer<Results<UnauthorizedProblem, ForbiddenProblem, NotFoundProblem>, TResult>> RunOnTenantAsync<TResult>(
        HttpRequest request, string tenantId, Func<AdminScope, Task<TResult>> endpoint)
        where TResult : IResult, IEndpointMetadataProvider
    {
        var principal = await CrmAccess.AuthenticateAsync(request);
        return principal is null ? Refused(new UnauthorizedProblem())
            : principal.IsAdmin ? CrmAnswer<Results<UnauthorizedProblem, ForbiddenProblem, NotFoundProblem>, TResult>.Answered(await endpoint(new AdminScope(principal, request)))
            : principal.CanAccess(tenantId) ? Refused(new ForbiddenProblem("Only the operator changes tenants"))
            : Refused(new NotFoundProblem());

        static CrmAnswer<Results<UnauthorizedProblem, ForbiddenProblem, NotFoundProblem>, TResult> Refused(Results<UnauthorizedProblem, ForbiddenProblem, NotFoundProblem> refusal) =>
            CrmAnswer<Results<UnauthorizedProblem, ForbiddenProblem, NotFoundProblem>, TResult>.Refused(refusal);
    }
}
