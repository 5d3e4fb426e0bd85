using CallCenter.Core.Auth;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>A CRM request whose key has been checked: the principal, and the request it came with.</summary>
public abstract class CrmScope(ApiPrincipal principal, HttpRequest request)
{
    public ApiPrincipal Principal => principal;

    public HttpRequest Request => request;

    public CancellationToken Aborted => request.HttpContext.RequestAborted;
}
