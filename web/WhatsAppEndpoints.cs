using CallCenter.Core.WhatsApp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CallCenter.Web;

/// <summary>The WhatsApp webhooks: read the raw request, hand it to the core handler, answer.</summary>
public static class WhatsAppEndpoints
{
    public static Task<IResult> MetaVerifyAsync(HttpRequest request) =>
        Answer(request.Service<MetaWebhookHandler>().VerifyAsync(
            request.Query["hub.mode"], request.Query["hub.verify_token"], request.Query["hub.challenge"], request.Aborted()));

    /// <summary>The raw bytes, bounded, go to the handler unparsed: the signature covers exactly them.</summary>
    public static async Task<IResult> MetaAsync(HttpRequest request, IWhatsAppWorkflowSignals workflow)
    {
        if (request.ContentLength > MetaWebhookHandler.MaxBodyBytes)
        {
            return Results.Text("body too large", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // Meta posts application/json in UTF-8; anything else is not Meta, signed or not.
        if (!MediaTypes.Is(request.ContentType, "application/json") || !MediaTypes.IsUtf8(request.ContentType))
        {
            return Results.Text("expected application/json in UTF-8", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MetaWebhookHandler.MaxBodyBytes;
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.Aborted())) > 0)
            {
                if (body.Length + read > MetaWebhookHandler.MaxBodyBytes)
                {
                    return Results.Text("body too large", statusCode: StatusCodes.Status413PayloadTooLarge);
                }

                body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException)
        {
            return Results.Text("body too large", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var answer = await request.Service<MetaWebhookHandler>().HandleAsync(
            body.GetBuffer().AsMemory(0, (int)body.Length), request.Headers["X-Hub-Signature-256"].ToString() is { Length: > 0 } s ? s : null, workflow, request.Aborted());
        return answer.ToResult();
    }

    public static async Task<IResult> TwilioAsync(HttpRequest request, IWhatsAppWorkflowSignals workflow)
    {
        var (webhook, error) = await request.Service<WebhookRequests>().ReadAsync(request);
        return webhook is null ? error! : (await request.Service<TwilioWhatsAppHandler>().HandleAsync(webhook, workflow, request.Aborted())).ToResult();
    }

    private static async Task<IResult> Answer(Task<Core.Calls.WebhookAnswer> answer) => (await answer).ToResult();
}
