using CallCenter.Core.Prompts;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The model's side of the call: asks for responses one at a time (<see cref="ResponseGate"/>), and when a
/// response is done runs its function calls only if it completed. A cut-off response's calls (<c>end_call</c>
/// included) are answered as not run, and the model is asked again unless the caller's turn will bring an
/// answer anyway. An <c>end_call</c> arms the <see cref="HangupPolicy"/> and asks for the goodbye. Calls are
/// answered by <c>answer</c> (the session gives <see cref="ToolRunner.AnswerAsync"/>) as <see cref="CallTasks"/>, off
/// the loop that reads OpenAI.
/// </summary>
internal sealed class ResponseFlow(
    RealtimeConnection realtime,
    HangupPolicy hangup,
    Func<FunctionCall, CancellationToken, Task<string>> answer,
    CallTranscript transcript,
    CallTasks tasks,
    CallCounters counters,
    string callSid,
    ILogger logger,
    Func<bool>? transferArmed = null)
{
    private const int ErrorsLogged = 3;

    private readonly ResponseGate _gate = new();

    /// <summary>Asks for a response now, or once the active one is done (the server refuses a second).</summary>
    public async ValueTask AskAsync(bool goodbye, CancellationToken ct)
    {
        if (!_gate.TryAsk(goodbye))
        {
            return;
        }

        var create = !goodbye ? RealtimeEvents.ResponseCreate
            : hangup.ClosingLine ? RealtimeEvents.ClosingLineCreate
            : RealtimeEvents.GoodbyeCreate;
        await realtime.SendAsync(create, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a response.create of the caller's making (a re-prompt, a voicemail message) only if no response is
    /// active or owed: true when sent. Nothing is owed when it is not: the call is not silent then.
    /// </summary>
    public async ValueTask<bool> TryAskNowAsync(byte[] create, bool goodbye, CancellationToken ct)
    {
        if (!_gate.TryAskNow(goodbye))
        {
            return false;
        }

        await realtime.SendAsync(create, ct).ConfigureAwait(false);
        return true;
    }

    public void Created(RealtimeControlEvent created)
    {
        _gate.Created(created.ResponseId ?? "");
        if (created.IsGoodbye)
        {
            hangup.GoodbyeCreated(created.ResponseId ?? "");
        }
    }

    /// <summary>Acted on only once its response is done and completed: GA sends this for cancelled responses too.</summary>
    public void Called(RealtimeControlEvent call) => _gate.AddCall(call.ResponseId ?? "", call.Call);

    public async ValueTask DoneAsync(RealtimeControlEvent done, CancellationToken ct)
    {
        var calls = _gate.Done(done.ResponseId);
        hangup.ResponseDone(done.ResponseId);
        if (calls is null)
        {
            await AskOwedAsync(ct).ConfigureAwait(false);
        }
        else if (done.Completed)
        {
            _ = tasks.Run(() => RunCallsAsync(calls, ct));
        }
        else
        {
            // Cut off (the caller spoke, or the model stopped): the model hears so and can call again; after a
            // caller's turn the server answers by itself, otherwise it is asked now.
            foreach (var call in calls)
            {
                await realtime.SendAsync(RealtimeEvents.FunctionOutput(call.CallId, ToolRunner.NotRunOutput), ct).ConfigureAwait(false);
            }

            await (done.TurnDetected ? AskOwedAsync(ct) : AskAsync(goodbye: false, ct)).ConfigureAwait(false);
        }
    }

    /// <summary>An error event: a refused <c>response.create</c> (another response won the race) is asked again once that one is done.</summary>
    public void Error(RealtimeControlEvent error)
    {
        if (error.ErrorCode == "conversation_already_has_active_response")
        {
            _gate.Refused();
        }

        if (counters.ErrorsLogged++ < ErrorsLogged)
        {
            BridgeTrace.OpenAiError(logger, callSid, error.ErrorCode, error.ErrorMessage);
        }
    }

    /// <summary>A new OpenAI session replaces the lost one: true when a response must be asked for again, and whether it is the goodbye.</summary>
    public bool Restart(out bool goodbye) => ReconnectPolicy.Resume(_gate, hangup, out goodbye);

    private ValueTask AskOwedAsync(CancellationToken ct) =>
        _gate.TakeOwed(out var goodbye) ? AskAsync(goodbye, ct) : ValueTask.CompletedTask;

    /// <summary>Runs the function calls of a completed response, sends their outputs, then asks for the next response.</summary>
    private async Task RunCallsAsync(List<FunctionCall> calls, CancellationToken ct)
    {
        var endCall = false;
        var transfer = false;
        foreach (var call in calls)
        {
            counters.ToolCalls++;
            transcript.Tool(call);
            endCall |= call.Name == AgentTools.EndCall;
            transfer |= call.Name == AgentTools.TransferToHuman;
            var output = await answer(call, ct).ConfigureAwait(false);
            var item = RealtimeEvents.FunctionOutput(call.CallId, output);
            transcript.Remember(item);
            await realtime.SendAsync(item, ct).ConfigureAwait(false);
        }

        // After an end_call the model says goodbye; the hangup follows once that response has played. An accepted
        // transfer ends the same way, its short line in place of the goodbye and a redirect in place of the hangup.
        endCall |= transfer && transferArmed?.Invoke() == true;
        if (endCall)
        {
            hangup.EndCallCompleted();
        }

        await AskAsync(endCall, ct).ConfigureAwait(false);
    }
}
