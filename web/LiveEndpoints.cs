using CallCenter.Core.Events;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>The negotiate step of live events: a dashboard trades its tenant key for a WebSocket URL.</summary>
public static class LiveEndpoints
{
    public static async Task<IResult> NegotiateAsync(HttpRequest request, string tenantId)
    {
        var (tenant, _, error) = await CrmAccess.TenantAsync(request, tenantId);
        if (tenant is null)
        {
            return error!;
        }

        var url = await request.Service<ILiveEventsNegotiation>().ClientUrlAsync(tenant.Id, request.Aborted());
        return Results.Ok(new { url = url.AbsoluteUri });
    }
}
