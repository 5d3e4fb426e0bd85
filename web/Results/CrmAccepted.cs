using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>202 with a JSON body: the work goes on after the answer.</summary>
public sealed class CrmAccepted<T>(T value) : CrmJsonResult<T>(value, StatusCodes.Status202Accepted), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status202Accepted);
}
