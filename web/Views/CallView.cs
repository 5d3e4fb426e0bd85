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
    TransferView? Transfer,
    string? AnsweredBy,
    CallLatencyView? Latency,
    CallUsageView? Usage,
    CallCostView? Cost,
    string? Outcome)
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
        new CallLinksView(basePath + "/recording", basePath + "/workflow"),
        TransferView.Of(call.Transfer),
        call.AnsweredBy,
        CallLatencyView.Of(call.Latency),
        CallUsageView.Of(call),
        CallCostView.Of(call.Cost),
        call.Outcome);
}
