using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>401: no key, or not a valid one.</summary>
public sealed class UnauthorizedProblem() : CrmProblem(StatusCodes.Status401Unauthorized, "Unauthorized", "A valid API key is required (X-Api-Key or Authorization: Bearer)."), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status401Unauthorized);
}
