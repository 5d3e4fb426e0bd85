using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCenter.Web;

/// <summary>
/// A JSON answer written with <see cref="CrmAccess.Json"/> (nulls left out, enums as strings) whatever JSON
/// options the host registers; the subclasses fix the status in the type, so the OpenAPI document knows it.
/// </summary>
public abstract class CrmJsonResult<T>(T value, int statusCode) : IResult, IStatusCodeHttpResult, IValueHttpResult<T>, IValueHttpResult, IContentTypeHttpResult
{
    private readonly JsonHttpResult<T> _json = TypedResults.Json(value, CrmAccess.Json, statusCode: statusCode);

    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public string? ContentType => _json.ContentType;

    public virtual Task ExecuteAsync(HttpContext httpContext) => _json.ExecuteAsync(httpContext);

    protected static void Describe(EndpointBuilder builder, int statusCode) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(statusCode, typeof(T), ["application/json"]));
}
