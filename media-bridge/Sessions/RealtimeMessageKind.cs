namespace CallCenter.MediaBridge.Sessions;

/// <summary>What a message from OpenAI is, as far as the audio path needs to know.</summary>
internal enum RealtimeMessageKind
{
    /// <summary>No <c>type</c>, or an audio delta without audio: nothing to do.</summary>
    Ignored,

    /// <summary>An agent audio delta, to relay.</summary>
    Audio,

    /// <summary>Any other event, read in full by <see cref="RealtimeEventParser.ParseControl"/>.</summary>
    Control,
}
