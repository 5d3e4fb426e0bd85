using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Writes the messages the bridge sends Twilio for one stream: an agent media frame with the mark that follows
/// it (in one pooled buffer, so both leave in one socket send and nothing is allocated per frame), and the
/// <c>clear</c> of a barge-in. The base64 payload is copied as it came from OpenAI, never decoded.
/// </summary>
internal sealed class TwilioMessageWriter : IDisposable
{
    private static readonly byte[] Close = "\"}}"u8.ToArray();

    private readonly byte[] _mediaPrefix;
    private readonly byte[] _markPrefix;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(2048);

    public TwilioMessageWriter(string streamSid)
    {
        _mediaPrefix = Encoding.UTF8.GetBytes($$"""{"event":"media","streamSid":"{{streamSid}}","media":{"payload":" """[..^1]);
        _markPrefix = Encoding.UTF8.GetBytes($$"""{"event":"mark","streamSid":"{{streamSid}}","mark":{"name":"m""");
        Clear = Encoding.UTF8.GetBytes($$"""{"event":"clear","streamSid":"{{streamSid}}"}""");
        _mediaPrefix.CopyTo(_buffer, 0);
    }

    /// <summary>Tells Twilio to drop the audio it has queued; it then echoes every pending mark.</summary>
    public byte[] Clear { get; }

    /// <summary>
    /// A media frame carrying <paramref name="base64"/> and the mark numbered <paramref name="markSeq"/> that
    /// follows it. Both are valid until the next call.
    /// </summary>
    public (ReadOnlyMemory<byte> Media, ReadOnlyMemory<byte> Mark) Write(ReadOnlySpan<byte> base64, long markSeq)
    {
        var payloadEnd = _mediaPrefix.Length + base64.Length;
        var mediaLength = payloadEnd + Close.Length;
        var needed = mediaLength + _markPrefix.Length + 20 + Close.Length; // 20: the digits of a long
        if (needed > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(needed);
            _mediaPrefix.CopyTo(_buffer, 0);
        }

        base64.CopyTo(_buffer.AsSpan(_mediaPrefix.Length));
        Close.CopyTo(_buffer.AsSpan(payloadEnd));

        // The mark is written right after the frame, so its echo says "played up to here".
        var p = mediaLength;
        _markPrefix.CopyTo(_buffer.AsSpan(p));
        p += _markPrefix.Length;
        Utf8Formatter.TryFormat(markSeq, _buffer.AsSpan(p), out var digits);
        p += digits;
        Close.CopyTo(_buffer.AsSpan(p));
        p += Close.Length;
        return (_buffer.AsMemory(0, mediaLength), _buffer.AsMemory(mediaLength, p - mediaLength));
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
