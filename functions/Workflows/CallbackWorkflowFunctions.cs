using CallCenter.Core.Callbacks;
using CallCenter.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallCenter.Functions.Workflows;

/// <summary>The callback workflow as Durable Functions: its orchestrator over <see cref="CallbackWorkflow"/> and one wrapper per activity class.</summary>
public static class CallbackWorkflowFunctions
{
    [Function(CallbackWorkflowNames.Orchestration)]
    public static Task<string> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        CallbackWorkflow.RunAsync(context, context.GetInput<CallbackRef>()!);

    [Function(nameof(DecideCallback))]
    public static Task<CallbackDecision> Decide([ActivityTrigger] CallbackRef input, string instanceId, FunctionContext function) =>
        function.RunAsync<DecideCallback, CallbackRef, CallbackDecision>(input, instanceId);

    [Function(nameof(DialCallback))]
    public static Task<string> Dial([ActivityTrigger] string input, string instanceId, FunctionContext function) =>
        function.RunAsync<DialCallback, string, string>(input, instanceId);

    [Function(nameof(RecordCallbackCall))]
    public static Task<bool> RecordCall([ActivityTrigger] CallbackCall input, string instanceId, FunctionContext function) =>
        function.RunAsync<RecordCallbackCall, CallbackCall, bool>(input, instanceId);
}
