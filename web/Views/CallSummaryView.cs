using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>A call as listed, and at the head of its detail; <see cref="Outcome"/> is set once its workflow has priced it.</summary>
public sealed record CallSummaryView(
    string Id,
    string Direction,
    string From,
    string To,
    string? LeadId,
    string? Status,
    int? DurationSeconds,
    bool HasRecording,
    string TranscriptSource,
    DateTimeOffset CreatedAt,
    string? Outcome)
{
    public static CallSummaryView Of(CallLog c) => new(
        c.CallSid,
        c.Direction.ToString().ToLowerInvariant(),
        c.From,
        c.To,
        c.LeadId,
        c.Status?.ToWire(),
        c.DurationSeconds,
        c.RecordingBlobPath is not null,
        c.TranscriptSource.ToString().ToLowerInvariant(),
        c.CreatedAt,
        c.Outcome);
}
