using Microsoft.Extensions.Logging;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// The one handler behind both providers' webhooks: store the message once, start its reply workflow
/// (idempotently, also for repeats, in case an earlier delivery stored it but failed to start it), and move
/// reply statuses forward. No model or provider call here: the webhook answers at once.
/// </summary>
public sealed class WhatsAppInbox(WhatsAppStore store, TimeProvider time, ILogger<WhatsAppInbox> logger)
{
    public async Task ReceiveAsync(InboundWhatsApp message, IWhatsAppWorkflowSignals workflow, CancellationToken ct = default)
    {
        var (stored, created) = await store.AddInboundAsync(message, time.GetUtcNow(), ct).ConfigureAwait(false);
        if (!created)
        {
            WhatsAppTrace.Duplicate(logger, message.ProviderMessageId);
        }

        await workflow.EnsureStartedAsync(stored, message.ProviderMessageId, ct).ConfigureAwait(false);
    }

    /// <summary>A delivery status for a reply we sent; statuses of messages we do not know are ignored.</summary>
    public async Task StatusAsync(string tenantId, string providerMessageId, string? wireStatus, CancellationToken ct = default)
    {
        if (DeliveryStatuses.Parse(wireStatus) is { } status)
        {
            await store.UpdateStatusAsync(tenantId, providerMessageId, status, ct).ConfigureAwait(false);
        }
    }
}
