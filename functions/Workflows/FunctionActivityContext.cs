using Microsoft.DurableTask;

namespace CallCenter.Functions.Workflows;

/// <summary>The activity context a function wrapper hands its activity class, from the trigger's binding data.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
