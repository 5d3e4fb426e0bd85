using Microsoft.DurableTask;

namespace CallCenter.Core.WhatsApp;

/// <summary>Sends and stores the reply once; returns the provider's message id.</summary>
public sealed class SendWhatsAppReply(WhatsAppSteps steps) : TaskActivity<WhatsAppReplyToSend, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, WhatsAppReplyToSend input) => steps.SendReplyAsync(input);
}
