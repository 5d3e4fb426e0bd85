namespace CallCenter.Core.Calls;

/// <summary>
/// One phone call as the CRM keeps it. <see cref="Status"/> is the only status field and only
/// <see cref="CallStatusMachine"/> moves it.
/// </summary>
public sealed class CallLog
{
    public required string TenantId { get; init; }
    public required string CallSid { get; init; }
    public required CallDirection Direction { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public string? LeadId { get; set; }
    public CallStatus? Status { get; set; }
    public Dictionary<CallStatus, DateTimeOffset> StatusTimes { get; init; } = [];
    public int? DurationSeconds { get; set; }
    public string? RecordingSid { get; set; }
    public string? RecordingBlobPath { get; set; }
    public string? FinalTranscript { get; set; }
    public TranscriptSource TranscriptSource { get; set; } = TranscriptSource.None;
    public string? TranscriptFailure { get; set; }
    public string? Summary { get; set; }
    public string? CallerIntent { get; set; }
    public string? FollowUp { get; set; }

    /// <summary>Set by the call's workflow as its last step: later callbacks must not start it again.</summary>
    public DateTimeOffset? WorkflowFinishedAt { get; set; }

    /// <summary>Set when the call's media stream closed: the conversation is over even before Twilio reports the end.</summary>
    public DateTimeOffset? StreamEndedAt { get; set; }

    /// <summary>
    /// A call that can take no new conversation: Twilio reported its end, or its one stream has closed. Its
    /// voice webhook gets no token and its turns are final.
    /// </summary>
    public bool IsFinished => (Status is { } status && status.IsTerminal()) || StreamEndedAt is not null;

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The orchestration that dialled an outbound call (the API's or a callback's); null for inbound calls.</summary>
    public string? PlacedBy { get; init; }
}
