using Microsoft.DurableTask;

namespace CallCenter.Core.WhatsApp;

/// <summary>The model's answer to the conversation: the reply's text, or the tool calls to run first.</summary>
public sealed class GenerateWhatsAppReply(WhatsAppSteps steps) : TaskActivity<WhatsAppReplyDraft, WhatsAppModelTurn>
{
    public override Task<WhatsAppModelTurn> RunAsync(TaskActivityContext context, WhatsAppReplyDraft input) => steps.GenerateReplyAsync(input);
}
