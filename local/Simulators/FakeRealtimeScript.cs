namespace CallCenter.Simulators;

/// <summary>How the fake model behaves; one script for all its sessions.</summary>
public sealed record FakeRealtimeScript
{
    public int GreetingMs { get; init; } = 600;
    public int ReplyMs { get; init; } = 400;
    public int GoodbyeMs { get; init; } = 400;

    /// <summary>What the greeting says; its words are spread over its audio, as the model's transcript deltas are.</summary>
    public string GreetingText { get; init; } = "Hello, thanks for calling.";

    /// <summary>Audio per <c>response.output_audio.delta</c>.</summary>
    public int ChunkMs { get; init; } = 20;

    /// <summary>Send deltas at real time (one chunk per ChunkMs) rather than flat out.</summary>
    public bool PaceAudio { get; init; }

    /// <summary>Call <c>end_call</c> instead of replying after this many caller turns; 0 never does.</summary>
    public int EndCallAfterCallerTurns { get; init; }

    /// <summary>A tool to call after the first caller turn (name, JSON arguments), before replying.</summary>
    public (string Name, string Arguments)? ToolAfterFirstTurn { get; init; }

    /// <summary>How long a function call's arguments take to stream; the caller can cut in meanwhile.</summary>
    public int FunctionCallMs { get; init; }

    /// <summary>
    /// Between a function call's last event and its <c>response.done</c>: the real server takes a moment to
    /// close a response, during which it refuses another <c>response.create</c>.
    /// </summary>
    public int FunctionResponseDoneDelayMs { get; init; } = 150;

    public bool VoiceActivityDetection { get; init; } = true;
    public double SpeechThreshold { get; init; } = 600;
    public int SilenceMsToStop { get; init; } = 200;
}
