using CallCenter.Core.Tenants;

namespace CallCenter.Core.WhatsApp;

/// <summary>Sends one text message through a provider; returns the provider's message id.</summary>
public interface IWhatsAppSender
{
    Task<string> SendAsync(Tenant tenant, WhatsAppProvider provider, string toPhone, string text, CancellationToken ct = default);
}
