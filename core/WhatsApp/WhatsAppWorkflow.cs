using CallCenter.Core.Workflow;
using Microsoft.DurableTask;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// The reply to one inbound message, run by both hosts: history from the CRM → the model with the one prompt
/// builder → send and store (idempotent by the inbound message's id).
/// </summary>
public static class WhatsAppWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<WhatsAppReplyInput, WhatsAppReplyResult>(
        WhatsAppWorkflowNames.Orchestration, RunAsync, typeof(LoadWhatsAppHistory), typeof(GenerateWhatsAppReply), typeof(SendWhatsAppReply));

    public static async Task<WhatsAppReplyResult> RunAsync(TaskOrchestrationContext context, WhatsAppReplyInput input)
    {
        var retry = CallWorkflow.RetryOptions(new CallWorkflowTimings());
        var history = await context.CallActivityAsync<IReadOnlyList<WhatsAppMessage>>(nameof(LoadWhatsAppHistory), input.Message, retry);
        var text = await context.CallActivityAsync<string>(nameof(GenerateWhatsAppReply), new WhatsAppReplyDraft(input.Message, history), retry);
        var id = await context.CallActivityAsync<string>(nameof(SendWhatsAppReply), new WhatsAppReplyToSend(input.Message, text), retry);
        return new WhatsAppReplyResult(id);
    }
}
