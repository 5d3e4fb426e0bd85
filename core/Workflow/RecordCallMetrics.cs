namespace CallCenter.Core.Workflow;

/// <summary>Prices the call, stores its outcome and adds it to its tenant's day, once.</summary>
public sealed class RecordCallMetrics(CallMetricsRecorder recorder) : CallStep<CallMetricsInput, bool>
{
    protected override async Task<bool> RunStepAsync(CallMetricsInput input) => await recorder.RecordAsync(input);
}
