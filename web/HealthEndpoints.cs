using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

public static class HealthEndpoints
{
    public static IResult Health() => Results.Ok(new { status = "ok" });
}
