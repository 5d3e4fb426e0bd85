using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CallCenter.Web;

/// <summary>
/// An application/problem+json answer; each subclass fixes the status in its type, so an endpoint's return
/// type lists the problems it can answer and the OpenAPI document is derived from it.
/// </summary>
public abstract class CrmProblem(int statusCode, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult<ProblemDetails>, IValueHttpResult, IContentTypeHttpResult
{
    private readonly ProblemHttpResult _problem = TypedResults.Problem(detail, statusCode: statusCode, title: title, extensions: extensions);

    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => _problem.ProblemDetails;

    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public string ContentType => _problem.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    protected static void Describe(EndpointBuilder builder, int statusCode) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(statusCode, typeof(ProblemDetails), ["application/problem+json"]));
}
