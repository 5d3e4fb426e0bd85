using CallCenter.Core.WhatsApp;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Triggers;

/// <summary>The WhatsApp webhooks. Signatures are checked by the handlers, before anything is parsed or stored.</summary>
public sealed class WhatsAppFunctions(WhatsAppWorkflowSignals signals)
{
    [Function("WhatsAppMetaVerify")]
    public static Task<IActionResult> MetaVerify([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "whatsapp/meta")] HttpRequest r) =>
        WhatsAppEndpoints.MetaVerifyAsync(r).AsAction();

    [Function("WhatsAppMeta")]
    public Task<IActionResult> Meta([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "whatsapp/meta")] HttpRequest r, [DurableClient] DurableTaskClient client) =>
        WhatsAppEndpoints.MetaAsync(r, signals.For(client)).AsAction();

    [Function("WhatsAppTwilio")]
    public Task<IActionResult> Twilio([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "whatsapp/twilio")] HttpRequest r, [DurableClient] DurableTaskClient client) =>
        WhatsAppEndpoints.TwilioAsync(r, signals.For(client)).AsAction();
}
