using System.Buffers;
using System.Diagnostics;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Assembles Twilio's messages from the socket's reads, in a pooled buffer that grows by doubling up to
/// <see cref="MaxMessageBytes"/>, and notes when Twilio last sent anything. Socket-free: the loop reads into
/// <see cref="Free"/> and reports what it read.
/// </summary>
internal sealed class TwilioMessageBuffer : IDisposable
{
    /// <summary>
    /// Twilio's largest real message, <c>start</c>, is a few KiB; a media frame is well under 1 KiB. A message
    /// over this is refused (the socket closes with 1009, message too big) before more of it is buffered.
    /// </summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>
    /// What the buffer starts at and returns to: a media frame (about 400 bytes) fits. A larger message (the
    /// <c>start</c> with its parameters) grows it; the next message starts in a buffer of this size again, so a
    /// call does not keep its largest message's buffer for its whole life.
    /// </summary>
    public const int InitialBytes = 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
    private int _filled;
    private int _length;
    private long _lastMessage = Stopwatch.GetTimestamp();

    /// <summary>When Twilio last sent anything (a <see cref="Stopwatch"/> timestamp); it sends a frame every 20 ms.</summary>
    public long LastMessage => Volatile.Read(ref _lastMessage);

    /// <summary>Where the next read goes; the last message is gone once this is asked for.</summary>
    public Memory<byte> Free
    {
        get
        {
            if (_filled == 0 && _buffer.Length > InitialBytes)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
                _length = 0;
            }

            return _buffer.AsMemory(_filled);
        }
    }

    /// <summary>The message completed by the last <see cref="Received"/>.</summary>
    public ReadOnlySpan<byte> Message => _buffer.AsSpan(0, _length);

    /// <summary>The same message as memory, for parsers that take it so (set-up code).</summary>
    public ReadOnlyMemory<byte> MessageMemory => _buffer.AsMemory(0, _length);

    /// <summary>A read of <paramref name="count"/> bytes arrived: a whole message, part of one, or one too big to keep.</summary>
    public TwilioRead Received(int count, bool endOfMessage)
    {
        _filled += count;
        Volatile.Write(ref _lastMessage, Stopwatch.GetTimestamp());
        if (endOfMessage)
        {
            _length = _filled;
            _filled = 0;
            return TwilioRead.Message;
        }

        if (_filled == _buffer.Length)
        {
            if (_filled >= MaxMessageBytes)
            {
                return TwilioRead.TooBig;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _filled).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        return TwilioRead.Partial;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _filled = _length = 0;
    }
}
