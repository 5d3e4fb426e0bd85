using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>What a call used: Realtime, transcription and summary tokens, and Twilio minutes.</summary>
public sealed record CallUsageView(RealtimeUsageView Realtime, TokenUsageView Transcription, TokenUsageView Summary, TwilioUsageView Twilio)
{
    /// <summary>Null until something of the call was measured (the bridge's figures or the workflow's).</summary>
    public static CallUsageView? Of(CallLog c) =>
        c.RealtimeUsage is null && c.TranscriptionUsage is null && c.SummaryUsage is null && c.Cost is null
            ? null
            : new(
                RealtimeUsageView.Of(c.RealtimeUsage),
                TokenUsageView.Of(c.TranscriptionUsage),
                TokenUsageView.Of(c.SummaryUsage),
                new TwilioUsageView(CallPricing.CallMinutes(c), CallPricing.RecordingMinutes(c)));
}
