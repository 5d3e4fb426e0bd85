using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.WhatsApp;

/// <summary>Twilio WhatsApp: inbound messages and reply status callbacks on one URL, signed like voice webhooks.</summary>
public sealed class TwilioWhatsAppHandler(
    TwilioSignature signature, TenantStore tenants, WhatsAppInbox inbox, TimeProvider time, ILogger<TwilioWhatsAppHandler> logger)
{
    private const string Prefix = "whatsapp:";

    public async Task<WebhookAnswer> HandleAsync(TwilioWebhook webhook, IWhatsAppWorkflowSignals workflow, CancellationToken ct = default)
    {
        if (!signature.IsValid(webhook))
        {
            WhatsAppTrace.ForgedWebhook(logger, "Twilio");
            return WebhookAnswer.Forbidden;
        }

        if (webhook["MessageSid"] is not { } sid || !TableKeys.IsId(sid))
        {
            return WebhookAnswer.BadRequest("MessageSid is missing or malformed");
        }

        var from = Number(webhook["From"]);
        var to = Number(webhook["To"]);
        var status = webhook["MessageStatus"];
        var isStatus = webhook["Body"] is null && status is not null and not "received";

        // Inbound: the tenant owns To; a status of our reply: the tenant owns From.
        var tenantNumber = isStatus ? from : to;
        if (tenantNumber is null || (isStatus ? to : from) is not { } contact)
        {
            return WebhookAnswer.BadRequest("From and To must be whatsapp:+E.164");
        }

        var tenant = await tenants.FindByWhatsAppNumberAsync(tenantNumber, ct).ConfigureAwait(false);
        if (tenant is null)
        {
            WhatsAppTrace.UnknownNumber(logger, tenantNumber);
            return WebhookAnswer.Empty;
        }

        if (isStatus)
        {
            await inbox.StatusAsync(tenant.Id, sid, status, ct).ConfigureAwait(false);
        }
        else
        {
            var message = new InboundWhatsApp(tenant.Id, WhatsAppProvider.Twilio, sid, contact, webhook["ProfileName"], webhook["Body"] ?? "", time.GetUtcNow());
            await inbox.ReceiveAsync(message, workflow, ct).ConfigureAwait(false);
        }

        return WebhookAnswer.Empty;
    }

    private static string? Number(string? address) =>
        address is not null && address.StartsWith(Prefix, StringComparison.Ordinal) && PhoneNumbers.IsE164(address[Prefix.Length..])
            ? address[Prefix.Length..]
            : null;
}
