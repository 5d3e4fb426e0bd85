using CallCenter.Core.Auth;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>
/// A tenant route's request once its key is checked and its tenant found: what a tenant endpoint takes. Both
/// hosts resolve it through <see cref="RunAsync"/> (the Functions worker runs no endpoint filters), which answers
/// 401 without a valid key, 400 for a malformed tenant id and 404 for another tenant's or an unknown one alike.
/// </summary>
public sealed class TenantScope : CrmScope
{
    private TenantScope(Tenant tenant, ApiPrincipal principal, HttpRequest request)
        : base(principal, request) => Tenant = tenant;

    public Tenant Tenant { get; }

    public static async Task<CrmAnswer<Results<UnauthorizedProblem, BadRequestProblem, NotFoundProblem>, TResult>> RunAsync<TResult>(
        HttpRequest request, string tenantId, Func<TenantScope, Task<TResult>> endpoint)
        where TResult : IResult, IEndpointMetadataProvider
    {
        var principal = await CrmAccess.AuthenticateAsync(request);
        if (principal is null)
        {
            return Refused(new UnauthorizedProblem());
        }

        if (!TenantIds.IsValid(tenantId))
        {
            return Refused(CrmAccess.Invalid("tenantId must be 3-40 characters of lowercase letters, digits and '-'"));
        }

        var tenant = principal.CanAccess(tenantId) ? await request.Service<TenantStore>().GetAsync(tenantId, request.HttpContext.RequestAborted) : null;
        return tenant is null
            ? Refused(new NotFoundProblem())
            : CrmAnswer<Results<UnauthorizedProblem, BadRequestProblem, NotFoundProblem>, TResult>.Answered(await endpoint(new TenantScope(tenant, principal, request)));

        static CrmAnswer<Results<UnauthorizedProblem, BadRequestProblem, NotFoundProblem>, TResult> Refused(Results<UnauthorizedProblem, BadRequestProblem, NotFoundProblem> refusal) =>
            CrmAnswer<Results<UnauthorizedProblem, BadRequestProblem, NotFoundProblem>, TResult>.Refused(refusal);
    }
}
