using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>201 with a JSON body and the Location of what was created.</summary>
public sealed class CrmCreated<T>(string location, T value) : CrmJsonResult<T>(value, StatusCodes.Status201Created), IEndpointMetadataProvider
{
    public string Location => location;

    public override Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = location;
        return base.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status201Created);
}
