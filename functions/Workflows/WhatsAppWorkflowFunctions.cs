using CallCenter.Core.WhatsApp;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallCenter.Functions.Workflows;

/// <summary>
/// The WhatsApp reply workflow as function-style Durable Functions: each method hands over to the same code
/// the local host registers with <c>AddWhatsAppWorkflow</c>.
/// </summary>
public sealed class WhatsAppWorkflowFunctions(WhatsAppSteps steps)
{
    [Function(WhatsAppWorkflowNames.Orchestration)]
    public static Task<WhatsAppReplyResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        WhatsAppWorkflow.RunAsync(context, context.GetInput<WhatsAppReplyInput>()!);

    [Function(WhatsAppWorkflowNames.LoadHistory)]
    public Task<IReadOnlyList<WhatsAppMessage>> LoadHistory([ActivityTrigger] WhatsAppMessageRef message, CancellationToken ct) =>
        steps.LoadHistoryAsync(message, ct);

    [Function(WhatsAppWorkflowNames.GenerateReply)]
    public Task<string> GenerateReply([ActivityTrigger] WhatsAppReplyDraft draft, CancellationToken ct) => steps.GenerateReplyAsync(draft, ct);

    [Function(WhatsAppWorkflowNames.SendReply)]
    public Task<string> SendReply([ActivityTrigger] WhatsAppReplyToSend reply, CancellationToken ct) => steps.SendReplyAsync(reply, ct);
}
