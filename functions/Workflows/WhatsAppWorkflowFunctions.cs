using CallCenter.Core.WhatsApp;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Workflows;

/// <summary>
/// The WhatsApp reply workflow as Durable Functions: the orchestrator over the same workflow code the local
/// host runs, and one wrapper per activity class of <see cref="WhatsAppWorkflow.Durable"/>.
/// </summary>
public static class WhatsAppWorkflowFunctions
{
    [Function(WhatsAppWorkflowNames.Orchestration)]
    public static Task<WhatsAppReplyResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        WhatsAppWorkflow.RunAsync(context, context.GetInput<WhatsAppReplyInput>()!);

    [Function(nameof(LoadWhatsAppHistory))]
    public static Task<IReadOnlyList<WhatsAppMessage>> LoadHistory([ActivityTrigger] WhatsAppMessageRef input, string instanceId, FunctionContext function) =>
        function.RunAsync<LoadWhatsAppHistory, WhatsAppMessageRef, IReadOnlyList<WhatsAppMessage>>(input, instanceId);

    [Function(nameof(GenerateWhatsAppReply))]
    public static Task<WhatsAppModelTurn> GenerateReply([ActivityTrigger] WhatsAppReplyDraft input, string instanceId, FunctionContext function) =>
        function.RunAsync<GenerateWhatsAppReply, WhatsAppReplyDraft, WhatsAppModelTurn>(input, instanceId);

    [Function(nameof(SendWhatsAppReply))]
    public static Task<string> SendReply([ActivityTrigger] WhatsAppReplyToSend input, string instanceId, FunctionContext function) =>
        function.RunAsync<SendWhatsAppReply, WhatsAppReplyToSend, string>(input, instanceId);

    [Function(nameof(RunWhatsAppTool))]
    public static Task<string> RunTool([ActivityTrigger] WhatsAppToolInput input, [DurableClient] DurableTaskClient client, string instanceId, FunctionContext function) =>
        function.RunAsync<RunWhatsAppTool, WhatsAppToolInput, string>(input, instanceId, a => a.Client = client);
}
