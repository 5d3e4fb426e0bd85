namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// OpenAI's rule of one response at a time, kept on the bridge's side: a <c>response.create</c> while one is
/// active is refused by the server, so it is owed and sent once the active response is done. Keeps the
/// function calls each response made until it is done, and whether what is owed is the goodbye. Socket-free
/// and safe across the bridge's loops and tool tasks.
/// </summary>
internal sealed class ResponseGate
{
    private readonly object _lock = new();
    private readonly Dictionary<string, List<FunctionCall>> _calls = new(StringComparer.Ordinal);
    private string? _active;
    private bool _owed;
    private bool _goodbyeOwed;
    private bool _lastAskedGoodbye;

    /// <summary>A response is wanted: true when it may be asked for now; otherwise it is owed until the active one is done.</summary>
    public bool TryAsk(bool goodbye)
    {
        lock (_lock)
        {
            if (_active is not null)
            {
                _owed = true;
                _goodbyeOwed |= goodbye;
                return false;
            }

            _lastAskedGoodbye = goodbye;
            return true;
        }
    }

    /// <summary>A response is wanted only if none is active now: true when it may be asked for; nothing is owed otherwise.</summary>
    public bool TryAskNow(bool goodbye)
    {
        lock (_lock)
        {
            if (_active is not null || _owed)
            {
                return false;
            }

            _lastAskedGoodbye = goodbye;
            return true;
        }
    }

    /// <summary>The server refused the last ask (another response won the race): it is owed again, goodbye and all.</summary>
    public void Refused()
    {
        lock (_lock)
        {
            _owed = true;
            _goodbyeOwed |= _lastAskedGoodbye;
        }
    }

    public void Created(string responseId)
    {
        lock (_lock)
        {
            _active = responseId;
        }
    }

    /// <summary>A function call the response made; it runs, or is answered as not run, when the response is done.</summary>
    public void AddCall(string responseId, FunctionCall call)
    {
        lock (_lock)
        {
            if (!_calls.TryGetValue(responseId, out var calls))
            {
                _calls[responseId] = calls = [];
            }

            calls.Add(call);
        }
    }

    /// <summary>A response is done: no longer active, and its function calls are handed over (null when none).</summary>
    public List<FunctionCall>? Done(string? responseId)
    {
        lock (_lock)
        {
            if (_active == responseId)
            {
                _active = null;
            }

            return _calls.Remove(responseId ?? "", out var calls) && calls.Count > 0 ? calls : null;
        }
    }

    /// <summary>Takes the owed response once none is active: true with whether it is the goodbye.</summary>
    public bool TakeOwed(out bool goodbye)
    {
        lock (_lock)
        {
            goodbye = _goodbyeOwed;
            if (!_owed || _active is not null)
            {
                return false;
            }

            _owed = _goodbyeOwed = false;
            return true;
        }
    }

    /// <summary>
    /// The OpenAI session was replaced: its responses are gone. True when a response was active or owed (the
    /// caller was waiting for an answer), with whether the goodbye was owed; everything starts afresh.
    /// </summary>
    public bool Restart(out bool goodbye)
    {
        lock (_lock)
        {
            var resume = _active is not null || _owed;
            goodbye = _goodbyeOwed;
            _active = null;
            _owed = _goodbyeOwed = false;
            _calls.Clear();
            return resume;
        }
    }
}
