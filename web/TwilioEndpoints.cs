using CallCenter.Core.Calls;
using CallCenter.Core.Twilio;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

/// <summary>Twilio's voice, status, recording and transfer webhooks: read, hand to the core handler, answer.</summary>
public static class TwilioEndpoints
{
    public static Task<IResult> VoiceAsync(HttpRequest request, WebhookRequests reader, VoiceWebhookHandler handler) =>
        HandleAsync(request, reader, handler.HandleAsync);

    public static Task<IResult> StatusAsync(HttpRequest request, WebhookRequests reader, CallStatusHandler handler, ICallWorkflowSignals workflow) =>
        HandleAsync(request, reader, (w, ct) => handler.HandleAsync(w, workflow, ct));

    public static Task<IResult> RecordingAsync(HttpRequest request, WebhookRequests reader, RecordingCallbackHandler handler, ICallWorkflowSignals workflow) =>
        HandleAsync(request, reader, (w, ct) => handler.HandleAsync(w, workflow, ct));

    public static Task<IResult> TransferAsync(HttpRequest request, WebhookRequests reader, TransferWebhookHandler handler) =>
        HandleAsync(request, reader, handler.DialAsync);

    public static Task<IResult> TransferWhisperAsync(HttpRequest request, WebhookRequests reader, TransferWebhookHandler handler) =>
        HandleAsync(request, reader, handler.WhisperAsync);

    public static Task<IResult> TransferResultAsync(HttpRequest request, WebhookRequests reader, TransferWebhookHandler handler) =>
        HandleAsync(request, reader, handler.ResultAsync);

    private static async Task<IResult> HandleAsync(HttpRequest request, WebhookRequests reader, Func<TwilioWebhook, CancellationToken, Task<WebhookAnswer>> handle)
    {
        var (webhook, error) = await reader.ReadAsync(request);
        return webhook is null ? error! : (await handle(webhook, request.HttpContext.RequestAborted)).ToResult();
    }
}
