using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>A day's calls by outcome.</summary>
public sealed record OutcomeCountsView(int Completed, int Transferred, int Voicemail, int Busy, int NoAnswer, int Failed, int Canceled)
{
    public static OutcomeCountsView Of(IReadOnlyDictionary<string, int> o) => new(
        o.GetValueOrDefault(CallOutcomes.Completed),
        o.GetValueOrDefault(CallOutcomes.Transferred),
        o.GetValueOrDefault(CallOutcomes.Voicemail),
        o.GetValueOrDefault(CallOutcomes.Busy),
        o.GetValueOrDefault(CallOutcomes.NoAnswer),
        o.GetValueOrDefault(CallOutcomes.Failed),
        o.GetValueOrDefault(CallOutcomes.Canceled));
}
