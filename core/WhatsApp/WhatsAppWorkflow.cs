using CallCenter.Core.Workflow;
using Microsoft.DurableTask;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// The reply to one inbound message, run by both hosts: history from the CRM → the model with the one prompt
/// builder, and the tool round trip while the model asks for tools (each call run by <see cref="RunWhatsAppTool"/>,
/// its output handed back) → send and store the model's final text (idempotent by the inbound message's id).
/// </summary>
public static class WhatsAppWorkflow
{
    public static DurableWorkflow Durable { get; } = DurableWorkflow.Of<WhatsAppReplyInput, WhatsAppReplyResult>(
        WhatsAppWorkflowNames.Orchestration, RunAsync, typeof(LoadWhatsAppHistory), typeof(GenerateWhatsAppReply), typeof(SendWhatsAppReply), typeof(RunWhatsAppTool));

    public static async Task<WhatsAppReplyResult> RunAsync(TaskOrchestrationContext context, WhatsAppReplyInput input)
    {
        var retry = CallWorkflow.RetryOptions(new CallWorkflowTimings());
        var history = await context.CallActivityAsync<IReadOnlyList<WhatsAppMessage>>(nameof(LoadWhatsAppHistory), input.Message, retry);
        var rounds = new List<WhatsAppToolRound>();
        var turn = await context.CallActivityAsync<WhatsAppModelTurn>(nameof(GenerateWhatsAppReply), new WhatsAppReplyDraft(input.Message, history, []), retry);

        // Each model answer and each tool output is in the history before the next step, so a replay asks the
        // model nothing and runs no tool again; after MaxToolRounds the model is offered no tools and must answer.
        while (turn.ToolCalls.Count > 0)
        {
            var outputs = new List<string>();
            foreach (var call in turn.ToolCalls)
            {
                outputs.Add(await context.CallActivityAsync<string>(nameof(RunWhatsAppTool), new WhatsAppToolInput(input.Message, call), retry));
            }

            rounds.Add(new WhatsAppToolRound(turn.ToolCalls, outputs));
            turn = await context.CallActivityAsync<WhatsAppModelTurn>(nameof(GenerateWhatsAppReply), new WhatsAppReplyDraft(input.Message, history, [.. rounds]), retry);
        }

        var id = await context.CallActivityAsync<string>(nameof(SendWhatsAppReply), new WhatsAppReplyToSend(input.Message, turn.Text!), retry);
        return new WhatsAppReplyResult(id);
    }
}
