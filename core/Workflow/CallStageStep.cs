namespace CallCenter.Core.Workflow;

/// <summary>A stage of the call workflow after the waits, and the activity that runs it on its own.</summary>
public sealed record CallStageStep(CallStage Stage, string Activity);
