using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>
/// The strict JSON body of a CRM request, read when the endpoint asks (after the checks that come first);
/// its type names the body's schema for the OpenAPI document. The local host binds it through
/// <see cref="BindAsync"/>; a Functions trigger constructs it from the worker's request.
/// </summary>
public sealed class CrmBody<T>(HttpRequest request) : IEndpointParameterMetadataProvider where T : class
{
    /// <summary>The body, or why it was refused; <paramref name="optional"/> lets an empty body through as null.</summary>
    public Task<(T? Body, BodyRefusal? Refusal)> ReadAsync(bool optional = false) => CrmAccess.ReadJsonAsync<T>(request, optional);

    public static ValueTask<CrmBody<T>?> BindAsync(HttpContext context) => ValueTask.FromResult<CrmBody<T>?>(new CrmBody<T>(context.Request));

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new RequestBodyMetadata(typeof(T), IsOptional: false));
        BodyRefusal.PopulateMetadata((MethodInfo)parameter.Member, builder);
    }
}
