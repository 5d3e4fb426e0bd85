using System.Diagnostics;
using CallCenter.Core.Calls;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// A call's voice-to-voice latencies and OpenAI Realtime usage, in a fixed ring allocated with the call and a turn
/// table grown by turns: the per-frame members write two numbers into the ring and allocate nothing. A turn's
/// latency runs from the caller's end of speech to the first agent frame sent to Twilio for the response that
/// answers it; the end of speech is OpenAI's <c>speech_stopped.audio_end_ms</c>, an offset into the audio of its
/// session, turned back into the moment the bridge forwarded that audio by the ring of (audio sent, when). The
/// greeting's runs from the stream's <c>start</c>. Read once, when the call ends (<see cref="Latency"/>, <see cref="Usage"/>).
/// </summary>
internal sealed class CallMeasurements
{
    /// <summary>Turns kept per call; later ones still count towards nothing (a call of hundreds of turns is rare).</summary>
    public const int MaxTurns = 256;

    private const int InitialTurns = 16;

    // 5 s of 20 ms frames, 4 KiB a call (20 s took 16 KiB of every call): server VAD reports an end of
    // speech about its silence duration (500 ms by default) after it, so the frame it names is well inside the ring.
    private const int RingFrames = 256;

    // μ-law at 8 kHz: 8 bytes of audio per ms.
    private const int BytesPerMs = 8;

    private readonly long[] _ringBytes = new long[RingFrames];
    private readonly long[] _ringAt = new long[RingFrames];
    // Grown by doubling as turns are recorded (once a turn, never per frame): most calls have a few dozen turns.
    private Turn[] _turnTable = new Turn[InitialTurns];
    private readonly DateTimeOffset _wallAtStart;
    private readonly long _clockAtStart;
    private readonly string? _model;
    private long _frames;
    private long _inputBytes;
    private long _sessionStartBytes;
    private int _turns;
    private long _pendingSince;
    private bool _pendingIsGreeting;
    private bool _armed;
    private long _inputText, _inputAudio, _cachedText, _cachedAudio, _outputText, _outputAudio;
    private bool _anyUsage;

    public CallMeasurements(TimeProvider time, string? model)
    {
        _wallAtStart = time.GetUtcNow();
        _clockAtStart = Stopwatch.GetTimestamp();
        _model = model;
    }

    /// <summary>The stream's <c>start</c> arrived at <paramref name="timestamp"/> (a <see cref="Stopwatch"/> timestamp): the greeting's clock.</summary>
    public void StreamStarted(long timestamp)
    {
        _pendingSince = timestamp;
        _pendingIsGreeting = true;
        _armed = true;
    }

    /// <summary>A caller frame went to OpenAI (its <c>input_audio_buffer.append</c>). Per frame: no allocation.</summary>
    public void AudioSent(ReadOnlySpan<byte> append)
    {
        // The payload is the last string of the envelope; base64 has no ':'.
        var colon = append.LastIndexOf((byte)':');
        if (colon < 0 || append.Length - colon < 4)
        {
            return;
        }

        _inputBytes += RealtimeAudioDelta.DecodedLengthOf(append[(colon + 2)..^2]);
        var slot = (int)(_frames % RingFrames);
        _ringBytes[slot] = _inputBytes;
        _ringAt[slot] = Stopwatch.GetTimestamp();
        Volatile.Write(ref _frames, _frames + 1);
    }

    /// <summary>A new OpenAI session replaced the old one: its audio offsets start from here.</summary>
    public void SessionReplaced() => _sessionStartBytes = Volatile.Read(ref _inputBytes);

    /// <summary>OpenAI's end of the caller's speech, <paramref name="audioEndMs"/> into the session's audio.</summary>
    public void SpeechStopped(long audioEndMs)
    {
        _pendingSince = WhenSent(_sessionStartBytes + (audioEndMs * BytesPerMs));
        _pendingIsGreeting = false;
        _armed = false;
    }

    /// <summary>A response began: its first frame ends the pending turn (the one answering the caller).</summary>
    public void ResponseCreated()
    {
        if (_pendingSince != 0)
        {
            _armed = true;
        }
    }

    /// <summary>An agent frame went to Twilio. Per frame: no allocation.</summary>
    public void AgentFrameSent()
    {
        if (!_armed)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (_turns < MaxTurns)
        {
            if (_turns == _turnTable.Length)
            {
                Array.Resize(ref _turnTable, Math.Min(MaxTurns, _turns * 2));
            }

            _turnTable[_turns] = new Turn(Ms(_pendingSince, now), _pendingIsGreeting, now);
            _turns++;
        }

        _armed = false;
        _pendingSince = 0;
    }

    /// <summary>The usage of one <c>response.done</c>; absent usage adds nothing.</summary>
    public void Add(RealtimeResponseUsage? usage)
    {
        if (usage is not { } u)
        {
            return;
        }

        _anyUsage = true;
        _inputText += u.InputTextTokens;
        _inputAudio += u.InputAudioTokens;
        _cachedText += u.CachedTextTokens;
        _cachedAudio += u.CachedAudioTokens;
        _outputText += u.OutputTextTokens;
        _outputAudio += u.OutputAudioTokens;
    }

    public int Turns => _turns;

    public CallLatency? Latency()
    {
        var turns = new List<LatencyTurn>(_turns);
        for (var i = 0; i < _turns; i++)
        {
            var turn = _turnTable[i];
            var at = _wallAtStart + Stopwatch.GetElapsedTime(_clockAtStart, turn.At);
            turns.Add(new LatencyTurn(at, turn.Ms, turn.IsGreeting ? LatencyTurn.Greeting : LatencyTurn.Turn));
        }

        return CallLatency.Of(turns);
    }

    public RealtimeUsage? Usage() =>
        _anyUsage ? new RealtimeUsage(_model, _inputText, _inputAudio, _cachedText, _cachedAudio, _outputText, _outputAudio) : null;

    /// <summary>When the bridge forwarded the caller audio that reached <paramref name="bytes"/>; now when it is older than the ring.</summary>
    private long WhenSent(long bytes)
    {
        var frames = Volatile.Read(ref _frames);
        var found = 0L;
        for (var i = frames - 1; i >= 0 && i >= frames - RingFrames; i--)
        {
            var slot = (int)(i % RingFrames);
            if (_ringBytes[slot] < bytes)
            {
                break;
            }

            found = _ringAt[slot];
        }

        return found != 0 ? found : Stopwatch.GetTimestamp();
    }

    private static int Ms(long from, long to) => (int)Math.Min(int.MaxValue - 1, Math.Max(0, Stopwatch.GetElapsedTime(from, to).TotalMilliseconds));

    private readonly record struct Turn(int Ms, bool IsGreeting, long At);
}
