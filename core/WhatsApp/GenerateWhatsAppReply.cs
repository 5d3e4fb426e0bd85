using Microsoft.DurableTask;

namespace CallCenter.Core.WhatsApp;

/// <summary>The model's reply to the conversation.</summary>
public sealed class GenerateWhatsAppReply(WhatsAppSteps steps) : TaskActivity<WhatsAppReplyDraft, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, WhatsAppReplyDraft input) => steps.GenerateReplyAsync(input);
}
