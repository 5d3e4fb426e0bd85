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

    /// <summary>The status of a call whose workflow has not started: it starts when the call's end is reported.</summary>
    public const string NotStartedStatus = "NotStarted";

    /// <summary>A known call without its workflow yet, dated by the call.</summary>
    public static WorkflowView NotStarted(string instanceId, DateTimeOffset callCreatedAt) =>
        new(instanceId, NotStartedStatus, callCreatedAt, callCreatedAt, null, null);
}
