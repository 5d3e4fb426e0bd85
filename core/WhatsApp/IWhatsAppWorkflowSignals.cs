namespace CallCenter.Core.WhatsApp;

/// <summary>Starts a message's reply workflow; a repeated start of the same message is a no-op.</summary>
public interface IWhatsAppWorkflowSignals
{
    Task EnsureStartedAsync(WhatsAppMessageRef message, string providerMessageId, CancellationToken ct = default);
}
