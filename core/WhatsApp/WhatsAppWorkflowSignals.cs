using Microsoft.DurableTask.Client;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// The WhatsApp webhooks' way into the reply workflow, one per process in both hosts, bound to the client of
/// the request at hand (Functions hands a Durable client only to a trigger's binding).
/// </summary>
public sealed class WhatsAppWorkflowSignals
{
    public IWhatsAppWorkflowSignals For(DurableTaskClient client) => new DurableWhatsAppWorkflowSignals(client);
}
