namespace CallCenter.Core.Workflow;

/// <summary>The call to price and count, with its recording's duration when Twilio reported one.</summary>
public sealed record CallMetricsInput(string TenantId, string CallSid, int? RecordingSeconds) : ICallStepInput;
