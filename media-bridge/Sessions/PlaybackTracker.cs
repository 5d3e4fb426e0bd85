namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// What the caller has heard of the agent. Every frame sent to Twilio is followed by a mark; Twilio echoes the
/// mark when playback reaches it. Counts are kept per agent item, in the order the items were sent, so a new
/// item never resets the count of audio still queued before it. From that it decides what a barge-in cuts (the
/// item actually playing at its played offset; items queued behind it at 0) and what transcript the caller
/// heard (the whole text once all of an item played, else the share of words its played audio covers).
/// Socket-free and safe across the bridge's two loops; the per-frame members allocate nothing.
/// </summary>
public sealed class PlaybackTracker
{
    /// <summary>μ-law at 8 kHz: 8 bytes per millisecond.</summary>
    public const int BytesPerMs = 8;

    private readonly object _lock = new();
    private readonly Queue<PendingMark> _marks = new();
    private readonly List<Item> _items = [];
    private readonly List<string> _heard = [];
    private Item? _current;
    private byte[] _currentId = [];
    private long _markSeq;
    private long _clearedUpTo;

    /// <summary>Whether audio of this item (UTF-8 id) is what is being sent now. Called by the one loop that sends audio.</summary>
    public bool IsCurrent(ReadOnlySpan<byte> itemId) => _current is not null && itemId.SequenceEqual(_currentId);

    /// <summary>Audio of a new item starts; items sent before it keep their counts.</summary>
    public void StartItem(string itemId, string? responseId)
    {
        lock (_lock)
        {
            _current = _items.Find(i => i.Id == itemId);
            if (_current is null)
            {
                _current = new Item(itemId, responseId);
                _items.Add(_current);
            }

            _currentId = System.Text.Encoding.UTF8.GetBytes(itemId);
        }
    }

    /// <summary>Audio of the current item arrived; false when the caller cut that item off and it must not be played.</summary>
    public bool Received(long bytes)
    {
        lock (_lock)
        {
            if (_current is null)
            {
                return true;
            }

            _current.Received += bytes;
            return !_current.Cut;
        }
    }

    /// <summary>The current item's audio went to Twilio; returns the number of the mark that follows it.</summary>
    public long Sent(long bytes)
    {
        lock (_lock)
        {
            var seq = ++_markSeq;
            if (_current is { } item)
            {
                item.Sent += bytes;
                _marks.Enqueue(new PendingMark(seq, item, item.Sent));
            }
            else
            {
                _marks.Enqueue(new PendingMark(seq, null, 0));
            }

            return seq;
        }
    }

    /// <summary>Twilio echoed a mark: everything sent before it has played. True when a turn became heard in full.</summary>
    public bool Played(long seq)
    {
        lock (_lock)
        {
            // After a clear Twilio echoes every pending mark: those were not played.
            if (seq <= _clearedUpTo)
            {
                return false;
            }

            var heard = false;
            while (_marks.TryPeek(out var mark) && mark.Seq <= seq)
            {
                _marks.Dequeue();
                if (mark.Item is { } item)
                {
                    item.Played = mark.ItemBytes;
                    heard |= TryHear(item);
                }
            }

            return heard;
        }
    }

    /// <summary>Whether audio sent is still waiting to play: of one response, or (null) of any.</summary>
    public bool HasUnplayedAudio(string? responseId = null)
    {
        lock (_lock)
        {
            if (responseId is null)
            {
                return _marks.Count > 0;
            }

            foreach (var mark in _marks)
            {
                if (mark.Item?.ResponseId == responseId)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The caller spoke: nothing queued will play. Returns the items to truncate, the one playing first at its
    /// played offset, then those queued behind it at 0; empty when nothing was waiting to play.
    /// </summary>
    public IReadOnlyList<Truncation> BargeIn()
    {
        lock (_lock)
        {
            if (_marks.Count == 0)
            {
                return [];
            }

            var cuts = new List<Truncation>();
            foreach (var mark in _marks)
            {
                if (mark.Item is { Cut: false } item)
                {
                    item.Cut = true;
                    cuts.Add(new Truncation(item.Id, item.Played / BytesPerMs));
                    TryHear(item);
                }
            }

            _marks.Clear();
            _clearedUpTo = _markSeq;
            return cuts;
        }
    }

    /// <summary>The model's transcript of an item (GA sends it for interrupted items too, as generated). True when a turn became ready.</summary>
    public bool Transcript(string itemId, string transcript)
    {
        lock (_lock)
        {
            // An item with no audio sent was not heard.
            if (_items.Find(i => i.Id == itemId) is not { } item)
            {
                return false;
            }

            item.Transcript = transcript;
            return TryHear(item);
        }
    }

    /// <summary>The agent turns the caller has heard, in order, since the last call.</summary>
    public void TakeHeard(List<string> into)
    {
        lock (_lock)
        {
            into.AddRange(_heard);
            _heard.Clear();
            _items.RemoveAll(i => i.Stored && i != _current);
        }
    }

    /// <summary>The call ends: what was played of items still playing is all the caller heard.</summary>
    public void EndCall()
    {
        lock (_lock)
        {
            foreach (var item in _items)
            {
                item.Cut = true;
                TryHear(item);
            }

            _marks.Clear();
            _clearedUpTo = _markSeq;
        }
    }

    /// <summary>A new OpenAI session: its items are new; marks still pending are ignored when echoed.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (var item in _items)
            {
                item.Cut = true;
                TryHear(item);
            }

            _items.Clear();
            _marks.Clear();
            _clearedUpTo = _markSeq;
            _current = null;
            _currentId = [];
        }
    }

    private bool TryHear(Item item)
    {
        if (item.Stored || item.Transcript is null || (!item.Cut && item.Played < item.Sent))
        {
            return false;
        }

        item.Stored = true;
        var text = item.Cut && item.Played < item.Received ? Words(item.Transcript, (double)item.Played / item.Received) : item.Transcript;
        if (text.Length == 0)
        {
            return false;
        }

        _heard.Add(text);
        return true;
    }

    /// <summary>The leading share of the words: the words spread evenly over the audio.</summary>
    public static string Words(string text, double share)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words[..(int)Math.Floor(words.Length * Math.Clamp(share, 0, 1))]);
    }

    private sealed class Item(string id, string? responseId)
    {
        public string Id { get; } = id;
        public string? ResponseId { get; } = responseId;
        public long Received { get; set; }
        public long Sent { get; set; }
        public long Played { get; set; }
        public bool Cut { get; set; }
        public string? Transcript { get; set; }
        public bool Stored { get; set; }
    }

    private readonly record struct PendingMark(long Seq, Item? Item, long ItemBytes);
}
