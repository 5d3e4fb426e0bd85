using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCenter.Web;

public static class HealthEndpoints
{
    public static Ok<HealthView> Health() => TypedResults.Ok(new HealthView("ok"));
}
