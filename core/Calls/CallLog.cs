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

    /// <summary>The call's transfer to a human, if the agent asked for one; see <see cref="CallTransfer"/>.</summary>
    public CallTransfer? Transfer { get; set; }

    /// <summary>
    /// Twilio's answering-machine verdict for an outbound call (<c>human</c>, <c>machine_end_beep</c>, …), as
    /// the voice webhook received it; null for inbound calls and calls placed without detection.
    /// </summary>
    public string? AnsweredBy { get; set; }

    /// <summary>When retention deleted the recording (<see cref="RecordingBlobPath"/> stays, naming what was deleted).</summary>
    public DateTimeOffset? RecordingDeletedAt { get; set; }

    /// <summary>When retention deleted the transcript and turns, for a tenant that asks for it.</summary>
    public DateTimeOffset? TranscriptDeletedAt { get; set; }

    /// <summary>The bridge's voice-to-voice latencies, written once when the stream ends.</summary>
    public CallLatency? Latency { get; set; }

    /// <summary>The OpenAI Realtime tokens of the call, written by the bridge with <see cref="Latency"/>.</summary>
    public RealtimeUsage? RealtimeUsage { get; set; }

    /// <summary>The recording's transcription request, when the workflow made one.</summary>
    public ModelUsage? TranscriptionUsage { get; set; }

    /// <summary>The summary's chat request.</summary>
    public ModelUsage? SummaryUsage { get; set; }

    /// <summary>Twilio's RecordingDuration of the call's recording.</summary>
    public int? RecordingSeconds { get; set; }

    /// <summary>Priced once by the workflow's RecordCallMetrics step, with the price table's version.</summary>
    public CallCost? Cost { get; set; }

    /// <summary>One of <see cref="CallOutcomes.All"/>, set with <see cref="Cost"/>.</summary>
    public string? Outcome { get; set; }

    /// <summary>The orchestration that dialled an outbound call (the API's or a callback's); null for inbound calls.</summary>
    public string? PlacedBy { get; init; }
}
