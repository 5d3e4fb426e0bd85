using CallCenter.Core.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCenter.Web;

/// <summary>The negotiate step of live events: a dashboard trades its tenant key for a WebSocket URL.</summary>
public static class LiveEndpoints
{
    public static async Task<Ok<LiveEventsUrlView>> NegotiateAsync(TenantScope scope, ILiveEventsNegotiation negotiation)
    {
        var url = await negotiation.ClientUrlAsync(scope.Tenant.Id, scope.Aborted);
        return TypedResults.Ok(new LiveEventsUrlView(url.AbsoluteUri));
    }
}
