using CallCenter.Core.Workflow;
using Microsoft.DurableTask.Client;

namespace CallCenter.Core.WhatsApp;

/// <summary>The reply workflow started through a Durable Task client, at most once per message.</summary>
public sealed class DurableWhatsAppWorkflowSignals(DurableTaskClient client) : IWhatsAppWorkflowSignals
{
    public Task EnsureStartedAsync(WhatsAppMessageRef message, string providerMessageId, CancellationToken ct = default) =>
        client.StartOnceAsync(WhatsAppWorkflowNames.Orchestration, WhatsAppWorkflowNames.InstanceId(providerMessageId), new WhatsAppReplyInput(message), ct);
}
