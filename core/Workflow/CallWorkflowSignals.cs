using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The call webhooks' way into their workflows, one per process in both hosts (it carries the instances this
/// process knows started). Functions hands a Durable client only to a trigger's binding, so both hosts bind
/// the signals to the client of the request at hand.
/// </summary>
public sealed class CallWorkflowSignals(
    IOptions<CallWorkflowOptions> options, KnownCallWorkflows known, CallWorkflowSteps steps, CallLogStore calls, CallbackStore callbacks)
{
    public DurableCallWorkflowSignals For(DurableTaskClient client) => new DurableCallWorkflowSignals(client, options, known, steps, calls, callbacks);
}
