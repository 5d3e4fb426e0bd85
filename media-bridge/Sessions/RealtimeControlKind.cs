namespace CallCenter.MediaBridge.Sessions;

/// <summary>The OpenAI server events the session acts on, other than audio.</summary>
internal enum RealtimeControlKind
{
    Other,

    /// <summary><c>input_audio_buffer.speech_started</c>: the caller began to speak.</summary>
    SpeechStarted,

    /// <summary><c>conversation.item.input_audio_transcription.completed</c>: what the caller said.</summary>
    CallerTranscript,

    /// <summary><c>response.output_audio_transcript.done</c>: the text of an agent item, as generated.</summary>
    AgentTranscript,

    /// <summary><c>response.created</c>.</summary>
    ResponseCreated,

    /// <summary><c>response.function_call_arguments.done</c>: a function call the response made.</summary>
    FunctionCall,

    /// <summary><c>response.done</c>.</summary>
    ResponseDone,

    /// <summary><c>error</c>.</summary>
    Error,

    /// <summary><c>input_audio_buffer.speech_stopped</c>: the caller stopped speaking, at <c>audio_end_ms</c>.</summary>
    SpeechStopped,
}
