using Microsoft.Extensions.Logging;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// The one handler behind both providers' webhooks: store the message once, start its reply workflow
/// (idempotently, also for repeats, in case an earlier delivery stored it but failed to start it), and move
/// reply statuses forward. No model or provider call here: the webhook answers at once.
/// </summary>
public sealed class WhatsAppInbox(WhatsAppStore store, TimeProvider time, ILogger<WhatsAppInbox> logger)
{
    /// <summary>WhatsApp's own text limit is 4,096 characters; this leaves room and stays far below a table property's 64 KiB.</summary>
    public const int MaxTextChars = 8_192;

    /// <summary>Profile names are a few words; a longer one is not a real contact.</summary>
    public const int MaxContactNameChars = 256;

    /// <summary>
    /// Stores the message and starts its reply, or drops it with one Warning when it cannot be stored: a
    /// provider retries an error for days, and a retry would not make the message storable.
    /// </summary>
    public async Task ReceiveAsync(InboundWhatsApp message, IWhatsAppWorkflowSignals workflow, CancellationToken ct = default)
    {
        if (Unstorable(message) is { } reason)
        {
            WhatsAppTrace.Unstorable(logger, message.Provider.ToString(), message.ProviderMessageId, reason);
            return;
        }

        var (stored, created) = await store.AddInboundAsync(message, time.GetUtcNow(), ct).ConfigureAwait(false);
        if (!created)
        {
            WhatsAppTrace.Duplicate(logger, message.ProviderMessageId);
        }

        await workflow.EnsureStartedAsync(stored, message.ProviderMessageId, ct).ConfigureAwait(false);
    }

    private static string? Unstorable(InboundWhatsApp m) =>
        m.Text.Length > MaxTextChars ? $"its text has {m.Text.Length} characters (at most {MaxTextChars})"
        : m.ContactName is { Length: > MaxContactNameChars } name ? $"its contact name has {name.Length} characters (at most {MaxContactNameChars})"
        : null;

    /// <summary>A delivery status for a reply we sent; statuses of messages we do not know are ignored.</summary>
    public async Task StatusAsync(string tenantId, string providerMessageId, string? wireStatus, CancellationToken ct = default)
    {
        if (DeliveryStatuses.Parse(wireStatus) is { } status)
        {
            await store.UpdateStatusAsync(tenantId, providerMessageId, status, ct).ConfigureAwait(false);
        }
    }
}
