using System.Diagnostics;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The call's words: each turn is numbered, stamped with its offset into the call and handed to the transcript
/// queue (which drops, and is counted here, rather than wait), and the conversation is kept as
/// <c>conversation.item.create</c> events with true roles and kinds, replayed into a new OpenAI session.
/// Never on the audio path.
/// </summary>
internal sealed class CallTranscript(string tenantId, string callSid, TranscriptQueue queue, TimeProvider time, int firstSequence = 0)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<byte[]> _conversation = [];
    private readonly List<string> _heard = [];
    private int _sequence = firstSequence;
    private int _dropped;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Events the queue dropped.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public void CallStarted() => Publish(null, new LiveEvent(callSid, LiveEventKind.CallStarted, null, null, 0, time.GetUtcNow()));

    public void CallEnded() => Publish(null, new LiveEvent(callSid, LiveEventKind.CallEnded, null, null, Volatile.Read(ref _sequence), time.GetUtcNow()));

    public void Caller(string text)
    {
        AddTurn(TurnRole.Caller, text);
        Remember(RealtimeEvents.ReplayMessage(TurnRole.Caller, text));
    }

    /// <summary>Stores the agent's turns the caller has now heard (cut where the caller cut in).</summary>
    public void AgentHeard(PlaybackTracker playback)
    {
        lock (_heard)
        {
            playback.TakeHeard(_heard);
            foreach (var text in _heard)
            {
                AddTurn(TurnRole.Agent, text);
                Remember(RealtimeEvents.ReplayMessage(TurnRole.Agent, text));
            }

            _heard.Clear();
        }
    }

    /// <summary>A function call the model made, as a turn and as the function call it was.</summary>
    public void Tool(FunctionCall call)
    {
        AddTurn(TurnRole.Tool, $"{call.Name} {call.Arguments}");
        Remember(RealtimeEvents.ReplayFunctionCall(call.CallId, call.Name, call.Arguments));
    }

    /// <summary>A key the caller pressed: a <c>dtmf</c> turn, and the message item the model got, for the replay.</summary>
    public void KeyPressed(string text, byte[] item)
    {
        AddTurn(TurnRole.Dtmf, text);
        Remember(item);
    }

    /// <summary>Keeps an item for the replay only (a function's output).</summary>
    public void Remember(byte[] item)
    {
        lock (_conversation)
        {
            _conversation.Add(item);
        }
    }

    /// <summary>The conversation so far, in order, to replay into a new session.</summary>
    public byte[][] History()
    {
        lock (_conversation)
        {
            return [.. _conversation];
        }
    }

    private void AddTurn(TurnRole role, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var seq = Interlocked.Increment(ref _sequence);
        var turn = new ConversationTurn(callSid, seq, role, text, _clock.Elapsed);
        Publish(turn, new LiveEvent(callSid, LiveEventKind.Transcript, role.ToString(), text, seq, time.GetUtcNow()));
    }

    private void Publish(ConversationTurn? turn, LiveEvent live)
    {
        if (!queue.TryEnqueue(new TranscriptItem(tenantId, turn, live)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
