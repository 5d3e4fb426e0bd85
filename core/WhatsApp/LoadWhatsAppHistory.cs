using Microsoft.DurableTask;

namespace CallCenter.Core.WhatsApp;

/// <summary>The conversation so far, from the CRM.</summary>
public sealed class LoadWhatsAppHistory(WhatsAppSteps steps) : TaskActivity<WhatsAppMessageRef, IReadOnlyList<WhatsAppMessage>>
{
    public override Task<IReadOnlyList<WhatsAppMessage>> RunAsync(TaskActivityContext context, WhatsAppMessageRef input) => steps.LoadHistoryAsync(input);
}
