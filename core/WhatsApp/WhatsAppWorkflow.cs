using CallCenter.Core.Workflow;
using Microsoft.DurableTask;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.WhatsApp;

public static class WhatsAppWorkflowNames
{
    public const string Orchestration = "WhatsAppReply";

    /// <summary>From the provider's message id alone, so every delivery of a message names the same instance.</summary>
    public static string InstanceId(string providerMessageId) =>
        "wa-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(providerMessageId)))[..40];
}

public sealed record WhatsAppReplyInput(WhatsAppMessageRef Message);

public sealed record WhatsAppReplyDraft(WhatsAppMessageRef Message, IReadOnlyList<WhatsAppMessage> History);

public sealed record WhatsAppReplyToSend(WhatsAppMessageRef Message, string Text);

public sealed record WhatsAppReplyResult(string ProviderMessageId);

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
