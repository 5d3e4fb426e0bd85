using CallCenter.Core.Twilio;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CallCenter.Web;

/// <summary>Reads a Twilio webhook off an ASP.NET Core request: bounded form, signature, public URL.</summary>
public sealed class WebhookRequests(IOptions<TwilioOptions> options)
{
    /// <summary>Twilio's call and recording callbacks are a few hundred bytes; anything near this is not Twilio.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly FormOptions Limits = new()
    {
        BufferBody = false,
        MultipartBodyLengthLimit = MaxBodyBytes,
        ValueCountLimit = 100,
        ValueLengthLimit = 4096,
        KeyLengthLimit = 100,
    };

    /// <summary>The webhook, or the 4xx answer that explains why the request is not one.</summary>
    public async Task<(TwilioWebhook? Webhook, IResult? Error)> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Results.Text("body too large", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        if (!request.HasFormContentType)
        {
            return (null, Results.Text("expected application/x-www-form-urlencoded", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        if (!MediaTypes.IsUtf8(request.ContentType))
        {
            return (null, Results.Text("the charset must be UTF-8", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        IFormCollection form;
        try
        {
            // A chunked body has no Content-Length: cap what the server will read.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = MaxBodyBytes;
            }

            form = await new FormFeature(request, Limits).ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, Results.Text("malformed form body", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (NotSupportedException)
        {
            // An encoding the charset check let through but the reader cannot decode.
            return (null, Results.Text("the charset must be UTF-8", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var signature = request.Headers["X-Twilio-Signature"].ToString();
        return (new TwilioWebhook(PublicUrl(request), fields, signature.Length == 0 ? null : signature), null);
    }

    /// <summary>
    /// The URL Twilio signed. The configured public base, path prefix included, always wins: behind a
    /// path-based proxy the request itself no longer shows the prefix. Without one, the forwarded scheme and
    /// host of a proxy we run (when trusted), else the request's own.
    /// </summary>
    public string PublicUrl(HttpRequest request)
    {
        var o = options.Value;
        if (o.PublicRoot is { } root)
        {
            return $"{root}{request.Path}{request.QueryString}";
        }

        var pathAndQuery = $"{request.PathBase}{request.Path}{request.QueryString}";
        if (o.TrustForwardedHeaders && request.Headers["X-Forwarded-Host"].ToString() is { Length: > 0 } host)
        {
            var scheme = request.Headers["X-Forwarded-Proto"].ToString() is { Length: > 0 } proto ? proto.Split(',')[0].Trim() : request.Scheme;
            return $"{scheme}://{host.Split(',')[0].Trim()}{pathAndQuery}";
        }

        return $"{request.Scheme}://{request.Host}{pathAndQuery}";
    }
}
