using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallCenter.Web;

/// <summary>Why a JSON body was refused: 400 (too large, empty, malformed, unknown fields) or 415 (not JSON in UTF-8).</summary>
public sealed class BodyRefusal : IResult, IEndpointMetadataProvider
{
    private readonly Results<BadRequestProblem, UnsupportedMediaTypeProblem> _result;

    private BodyRefusal(Results<BadRequestProblem, UnsupportedMediaTypeProblem> result) => _result = result;

    public IResult Result => _result.Result;

    public static implicit operator BodyRefusal(BadRequestProblem problem) => new(problem);

    public static implicit operator BodyRefusal(UnsupportedMediaTypeProblem problem) => new(problem);

    public Task ExecuteAsync(HttpContext httpContext) => _result.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Populate<Results<BadRequestProblem, UnsupportedMediaTypeProblem>>(method, builder);

    // Results<,> implements the interface explicitly: reached through a constrained type parameter.
    private static void Populate<T>(MethodInfo method, EndpointBuilder builder) where T : IEndpointMetadataProvider => T.PopulateMetadata(method, builder);
}
