namespace CallCenter.Core.Workflow;

/// <summary>
/// The call workflow's stages after the waits, in the order they run: the one list that <see cref="CallCompleter"/>
/// (all of them in the <see cref="CompleteCall"/> activity) and <see cref="CallWorkflow.RunAsync"/>'s fallback (from
/// the stage that failed on, each as its own activity) both walk, so the order is written once.
/// </summary>
public static class CallStages
{
    public static IReadOnlyList<CallStageStep> InOrder { get; } =
    [
        new(CallStage.Recording, nameof(DownloadRecording)),
        new(CallStage.Transcript, nameof(ResolveTranscript)),
        new(CallStage.Summary, nameof(SummarizeCall)),
        new(CallStage.Finish, nameof(FinishCall)),
        new(CallStage.Metrics, nameof(RecordCallMetrics)),
        new(CallStage.Webhooks, nameof(DeliverCallWebhooks)),
        new(CallStage.Publish, nameof(PublishCallFinished)),
    ];

    /// <summary>The stages from <paramref name="first"/> on, in order.</summary>
    public static IEnumerable<CallStageStep> From(CallStage first) => InOrder.SkipWhile(s => s.Stage != first);
}
