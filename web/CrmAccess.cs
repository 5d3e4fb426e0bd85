using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallCenter.Core.Auth;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Web;

/// <summary>
/// What every CRM route does first: authenticate the key (401), resolve the tenant and hide other tenants'
/// resources behind 404, read a bounded strict JSON body (400 problem details), read paging parameters.
/// </summary>
public static class CrmAccess
{
    /// <summary>CRM bodies are small documents; a prompt is the largest.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static T Service<T>(this HttpRequest request) where T : notnull => request.HttpContext.RequestServices.GetRequiredService<T>();

    public static CancellationToken Aborted(this HttpRequest request) => request.HttpContext.RequestAborted;

    /// <summary>The principal of X-Api-Key or Authorization: Bearer, or the 401 to answer.</summary>
    public static async Task<(ApiPrincipal? Principal, IResult? Error)> AuthenticateAsync(HttpRequest request)
    {
        var key = request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0 && request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = auth["Bearer ".Length..].Trim();
        }

        var principal = await request.Service<ApiKeyService>().AuthenticateAsync(key, request.Aborted());
        return principal is null
            ? (null, Results.Problem(statusCode: 401, title: "Unauthorized", detail: "A valid API key is required (X-Api-Key or Authorization: Bearer)."))
            : (principal, null);
    }

    /// <summary>The tenant of the route when the key may see it; 404 for other tenants and unknown ones alike.</summary>
    public static async Task<(Tenant? Tenant, ApiPrincipal? Principal, IResult? Error)> TenantAsync(HttpRequest request, string tenantId)
    {
        var (principal, error) = await AuthenticateAsync(request);
        if (principal is null)
        {
            return (null, null, error);
        }

        if (!TenantIds.IsValid(tenantId))
        {
            return (null, principal, Invalid("tenantId must be 3-40 characters of lowercase letters, digits and '-'"));
        }

        var tenant = principal.CanAccess(tenantId) ? await request.Service<TenantStore>().GetAsync(tenantId, request.Aborted()) : null;
        return tenant is null ? (null, principal, NotFound()) : (tenant, principal, null);
    }

    /// <summary>The admin principal, or 404 for tenant keys: admin routes do not exist for them.</summary>
    public static async Task<IResult?> AdminAsync(HttpRequest request)
    {
        var (principal, error) = await AuthenticateAsync(request);
        return principal is null ? error : principal.IsAdmin ? null : NotFound();
    }

    /// <summary>
    /// The 400 for the first path or body id that is not an id (<see cref="TableKeys.IsId"/>); null when all
    /// are, or absent. Checked before any storage call, so no id reaches a key unchecked.
    /// </summary>
    public static IResult? BadIds(params ReadOnlySpan<(string Name, string? Value)> ids)
    {
        foreach (var (name, value) in ids)
        {
            if (value is not null && !TableKeys.IsId(value))
            {
                return Invalid($"{name} must be 1-{TableKeys.MaxIdLength} ASCII letters, digits, '-' or '_'");
            }
        }

        return null;
    }

    /// <summary>A strict JSON body: bounded, well formed, no unknown fields. <paramref name="optional"/> allows an empty body.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadJsonAsync<T>(HttpRequest request, bool optional = false) where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Invalid($"the body is larger than {MaxBodyBytes} bytes"));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        using var buffer = new MemoryStream();
        try
        {
            await CopyBoundedAsync(request.Body, buffer, request.Aborted());
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (null, Invalid($"the body is larger than {MaxBodyBytes} bytes"));
        }

        if (buffer.Length == 0)
        {
            return optional ? (null, null) : (null, Invalid("a JSON body is required"));
        }

        if (!MediaTypes.Is(request.ContentType, "application/json") || !MediaTypes.IsUtf8(request.ContentType))
        {
            return (null, UnsupportedMediaType());
        }

        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return body is null ? (null, Invalid("the body must be a JSON object")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Invalid($"the body is not valid: {e.Message}"));
        }
    }

    /// <summary>
    /// ?limit= (1-200) and ?continuation=, opened for this tenant and listing: a token that is not ours for
    /// them is a 400, before any query.
    /// </summary>
    public static (int Limit, string? Continuation, IResult? Error) Paging(HttpRequest request, string tenantId, string listing)
    {
        var limit = Pages.DefaultSize;
        if (request.Query["limit"].ToString() is { Length: > 0 } raw
            && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > Pages.MaxSize))
        {
            return (0, null, Invalid($"limit must be 1-{Pages.MaxSize}"));
        }

        try
        {
            return (limit, request.Service<ContinuationTokens>().Open(tenantId, listing, request.Query["continuation"].ToString()), null);
        }
        catch (BadContinuationException)
        {
            return (0, null, Invalid("continuation is not valid"));
        }
    }

    /// <summary>Runs a page read and answers it, its continuation sealed for this tenant and listing.</summary>
    public static async Task<IResult> PageAsync<T>(HttpRequest request, string tenantId, string listing, Func<Task<Page<T>>> read, Func<T, object> shape)
    {
        var page = await read();
        var continuation = request.Service<ContinuationTokens>().Seal(tenantId, listing, page.Continuation);
        return Results.Json(new { items = page.Items.Select(shape).ToList(), continuation }, Json);
    }

    public static IResult Invalid(params IEnumerable<string> errors)
    {
        var list = errors.ToList();
        return Results.Problem(
            statusCode: 400,
            title: "The request is not valid",
            detail: string.Join("; ", list),
            extensions: new Dictionary<string, object?> { ["errors"] = list });
    }

    public static IResult UnsupportedMediaType() =>
        Results.Problem(statusCode: 415, title: "Unsupported media type", detail: "the body must be application/json in UTF-8");

    public static IResult NotFound() => Results.Problem(statusCode: 404, title: "Not found");

    public static IResult Conflict(string detail) => Results.Problem(statusCode: 409, title: "Conflict", detail: detail);

    public static IResult Ok(object body) => Results.Json(body, Json);

    public static IResult Created(string location, object body) => new CreatedResult(location, Results.Json(body, Json, statusCode: 201));

    private static async Task CopyBoundedAsync(Stream from, Stream to, CancellationToken ct)
    {
        var chunk = new byte[8192];
        int read;
        while ((read = await from.ReadAsync(chunk, ct)) > 0)
        {
            if (to.Length + read > MaxBodyBytes)
            {
                throw new InvalidDataException("body too large");
            }

            await to.WriteAsync(chunk.AsMemory(0, read), ct);
        }
    }

    /// <summary>A JSON 201 with a Location header.</summary>
    private sealed class CreatedResult(string location, IResult body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return body.ExecuteAsync(httpContext);
        }
    }
}
