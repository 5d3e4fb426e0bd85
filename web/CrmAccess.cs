using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CallCenter.Core.Auth;
using CallCenter.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Web;

/// <summary>
/// The parts of the CRM routes' requests: the API key (401), checked ids, a bounded strict JSON body (400
/// and 415 problem details), paging parameters and the page answer.
/// </summary>
public static class CrmAccess
{
    /// <summary>CRM bodies are small documents; a prompt is the largest.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Named, not left to the serializer to fill in, so the OpenAPI document can export schemas with these options.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>For the webhook endpoints and the Functions triggers, which are handed only the request.</summary>
    public static T Service<T>(this HttpRequest request) where T : notnull => request.HttpContext.RequestServices.GetRequiredService<T>();

    public static CancellationToken Aborted(this HttpRequest request) => request.HttpContext.RequestAborted;

    /// <summary>The principal of X-Api-Key or Authorization: Bearer; null answers 401.</summary>
    public static async Task<ApiPrincipal?> AuthenticateAsync(HttpRequest request)
    {
        var key = request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0 && request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = auth["Bearer ".Length..].Trim();
        }

        return await request.Service<ApiKeyService>().AuthenticateAsync(key, request.Aborted());
    }

    /// <summary>
    /// The 400 for the first path or body id that is not an id (<see cref="TableKeys.IsId"/>); null when all
    /// are, or absent. Checked before any storage call, so no id reaches a key unchecked.
    /// </summary>
    public static BadRequestProblem? BadIds(params ReadOnlySpan<(string Name, string? Value)> ids)
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
    public static async Task<(T? Body, BodyRefusal? Refusal)> ReadJsonAsync<T>(HttpRequest request, bool optional = false) where T : class
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
            return (null, new UnsupportedMediaTypeProblem());
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
    public static (int Limit, string? Continuation, BadRequestProblem? Error) Paging(TenantScope scope, ContinuationTokens tokens, string listing)
    {
        var query = scope.Request.Query;
        var limit = Pages.DefaultSize;
        if (query["limit"].ToString() is { Length: > 0 } raw
            && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > Pages.MaxSize))
        {
            return (0, null, Invalid($"limit must be 1-{Pages.MaxSize}"));
        }

        try
        {
            return (limit, tokens.Open(scope.Tenant.Id, listing, query["continuation"].ToString()), null);
        }
        catch (BadContinuationException)
        {
            return (0, null, Invalid("continuation is not valid"));
        }
    }

    /// <summary>A page read, answered with its continuation sealed for this tenant and listing.</summary>
    public static CrmOk<CrmPage<TView>> Page<T, TView>(TenantScope scope, ContinuationTokens tokens, string listing, Page<T> page, Func<T, TView> shape) =>
        new(new CrmPage<TView>([.. page.Items.Select(shape)], tokens.Seal(scope.Tenant.Id, listing, page.Continuation)));

    public static BadRequestProblem Invalid(params IEnumerable<string> errors) => new(errors.ToList());

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
}
