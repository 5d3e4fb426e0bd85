namespace CallCenter.Core.Workflow;

/// <summary>The call workflow's steps after the waits, in the order they run.</summary>
public enum CallStage
{
    Recording,
    Transcript,
    Summary,
    Finish,
    Metrics,
    Webhooks,
    Publish,
}
