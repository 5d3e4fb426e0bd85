using CallCenter.Web;

namespace CallCenter.Local.Host;

/// <summary>
/// The Functions app's HTTP routes, served by the local host from the one route table. A test holds that table
/// equal to the Functions app's generated functions.metadata.
/// </summary>
public static class LocalRoutes
{
    public static void MapCallCenterRoutes(this IEndpointRouteBuilder app)
    {
        foreach (var route in ApiRoutes.All)
        {
            app.MapMethods(route.Path, [route.Method], route.Handler).WithName(route.Name);
        }
    }
}
