using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>
/// What a CRM route answers: the access check's refusal, given before the endpoint runs, or the endpoint's own
/// answer. Both are in the type, so the route's OpenAPI responses are the union of the two.
/// </summary>
public sealed class CrmAnswer<TRefusal, TResult> : IResult, IEndpointMetadataProvider
    where TRefusal : IResult, IEndpointMetadataProvider
    where TResult : IResult, IEndpointMetadataProvider
{
    private CrmAnswer(IResult result) => Result = result;

    /// <summary>The refusal or the endpoint's answer, whichever it was.</summary>
    public IResult Result { get; }

    public static CrmAnswer<TRefusal, TResult> Refused(TRefusal refusal) => new(refusal);

    public static CrmAnswer<TRefusal, TResult> Answered(TResult result) => new(result);

    public Task ExecuteAsync(HttpContext httpContext) => Result.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        TRefusal.PopulateMetadata(method, builder);
        TResult.PopulateMetadata(method, builder);
    }
}
