using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>410: it existed and was deleted on purpose (retention); the detail says when and why.</summary>
public sealed class GoneProblem(string detail) : CrmProblem(StatusCodes.Status410Gone, "Gone", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status410Gone);
}
