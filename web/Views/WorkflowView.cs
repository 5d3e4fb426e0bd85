using Microsoft.DurableTask.Client;

namespace CallCenter.Web;

/// <summary>A call's post-processing workflow as support staff need it: status, times, output or failure.</summary>
public sealed record WorkflowView(
    string InstanceId, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string? Output, string? Failure)
{
    public static WorkflowView Of(OrchestrationMetadata instance) => new(
        instance.InstanceId,
        instance.RuntimeStatus.ToString(),
        instance.CreatedAt,
        instance.LastUpdatedAt,
        instance.SerializedOutput,
        instance.FailureDetails?.ErrorMessage);
}
