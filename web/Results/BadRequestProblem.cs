using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>400: the request is not valid; every error is listed, joined in the detail and one by one in &quot;errors&quot;.</summary>
public sealed class BadRequestProblem(IReadOnlyList<string> errors) : CrmProblem(StatusCodes.Status400BadRequest, "The request is not valid", string.Join("; ", errors), new Dictionary<string, object?> { ["errors"] = errors }), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status400BadRequest);
}
