using System.Text.Json.Serialization;

namespace CallCenter.Core.Events;

[JsonConverter(typeof(JsonStringEnumConverter<LiveEventKind>))]
public enum LiveEventKind
{
    /// <summary>The bridge connected the caller to the agent.</summary>
    CallStarted,

    /// <summary>One utterance of the caller or the agent.</summary>
    Transcript,

    /// <summary>The media stream closed.</summary>
    CallEnded,

    /// <summary>The call's workflow is done: recording, transcript and summary are in the CRM.</summary>
    CallFinished,
}
