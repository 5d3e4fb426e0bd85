using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>404: unknown, or another tenant's; the two are not told apart.</summary>
public sealed class NotFoundProblem() : CrmProblem(StatusCodes.Status404NotFound, "Not found"), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}
