using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>A call with its transcript, summary, turns and links.</summary>
public sealed record CallView(
    CallSummaryView Call,
    string? Transcript,
    string TranscriptSource,
    string? TranscriptFailure,
    string? Summary,
    string? CallerIntent,
    string? FollowUp,
    IReadOnlyDictionary<string, DateTimeOffset> StatusTimes,
    IReadOnlyList<TurnView> Turns,
    CallLinksView Links,
    CallLatencyView? Latency = null,
    CallUsageView? Usage = null,
    CallCostView? Cost = null,
    string? Outcome = null)
{
    public static CallView Of(CallLog call, IEnumerable<ConversationTurn> turns, string basePath) => new(
        CallSummaryView.Of(call),
        call.FinalTranscript,
        call.TranscriptSource.ToString().ToLowerInvariant(),
        call.TranscriptFailure,
        call.Summary,
        call.CallerIntent,
        call.FollowUp,
        call.StatusTimes.ToDictionary(p => p.Key.ToWire(), p => p.Value),
        [.. turns.Select(TurnView.Of)],
        new CallLinksView(basePath + "/recording", basePath + "/workflow"))
    {
        Latency = CallLatencyView.Of(call.Latency),
        Usage = CallUsageView.Of(call),
        Cost = CallCostView.Of(call.Cost),
        Outcome = call.Outcome,
    };
}
