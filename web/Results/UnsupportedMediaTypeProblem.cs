using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>415: the body is not JSON in UTF-8.</summary>
public sealed class UnsupportedMediaTypeProblem() : CrmProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "the body must be application/json in UTF-8"), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status415UnsupportedMediaType);
}
