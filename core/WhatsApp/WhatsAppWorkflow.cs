using CallCenter.Core.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.WhatsApp;

public static class WhatsAppWorkflowNames
{
    public const string Orchestration = "WhatsAppReply";
    public const string LoadHistory = "LoadWhatsAppHistory";
    public const string GenerateReply = "GenerateWhatsAppReply";
    public const string SendReply = "SendWhatsAppReply";

    public static IReadOnlyList<string> Activities { get; } = [LoadHistory, GenerateReply, SendReply];

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
    public static async Task<WhatsAppReplyResult> RunAsync(TaskOrchestrationContext context, WhatsAppReplyInput input)
    {
        var retry = CallWorkflow.RetryOptions(new CallWorkflowTimings());
        var history = await context.CallActivityAsync<IReadOnlyList<WhatsAppMessage>>(WhatsAppWorkflowNames.LoadHistory, input.Message, retry);
        var text = await context.CallActivityAsync<string>(WhatsAppWorkflowNames.GenerateReply, new WhatsAppReplyDraft(input.Message, history), retry);
        var id = await context.CallActivityAsync<string>(WhatsAppWorkflowNames.SendReply, new WhatsAppReplyToSend(input.Message, text), retry);
        return new WhatsAppReplyResult(id);
    }
}

/// <summary>Starts a message's reply workflow; a repeated start of the same message is a no-op.</summary>
public interface IWhatsAppWorkflowSignals
{
    Task EnsureStartedAsync(WhatsAppMessageRef message, string providerMessageId, CancellationToken ct = default);
}

public sealed class DurableWhatsAppWorkflowSignals(DurableTaskClient client) : IWhatsAppWorkflowSignals
{
    public Task EnsureStartedAsync(WhatsAppMessageRef message, string providerMessageId, CancellationToken ct = default) =>
        client.StartOnceAsync(WhatsAppWorkflowNames.Orchestration, WhatsAppWorkflowNames.InstanceId(providerMessageId), new WhatsAppReplyInput(message), ct);
}
