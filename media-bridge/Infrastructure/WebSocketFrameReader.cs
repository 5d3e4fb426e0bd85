using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Unicode;
using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Reads the frames a WebSocket client sends (RFC 6455 §5) straight from a connection's pipe: a data frame's
/// payload is unmasked as it is copied into the caller's <see cref="TwilioMessageBuffer"/>, once, and
/// fragments (§5.4) are assembled there with control frames between them; a control frame is kept whole
/// (at most 125 bytes). Everything §5 says fails the connection is reported as <see cref="FrameRead.Invalid"/>
/// with the close status to send: an unmasked frame, reserved bits or opcodes, a fragmented or oversize
/// control frame, a continuation with no message or a new message inside one, an invalid close frame (1002),
/// and text or a close reason that is not UTF-8 (1007, §8.1). Socket-free and synchronous: the caller awaits
/// the pipe and hands each <see cref="ReadResult"/> to <see cref="Read"/>.
/// </summary>
internal sealed class WebSocketFrameReader(PipeReader input)
{
    private readonly byte[] _control = new byte[WebSocketFrames.MaxControlPayload];
    private int _controlLength;

    // The data frame whose payload is being read: what is left of it, its key and where in the key the next byte falls.
    private bool _inFrame;
    private bool _frameFinal;
    private long _payloadLeft;
    private uint _key;
    private int _keyOffset;

    // The data message being assembled (text or binary), or continuation (0) between messages.
    private byte _messageOpcode;

    /// <summary>Whether the last <see cref="FrameRead.Message"/> was text or binary.</summary>
    public WebSocketMessageType MessageType { get; private set; }

    /// <summary>The payload of the last control frame; valid until the next read.</summary>
    public ReadOnlyMemory<byte> ControlPayload => _control.AsMemory(0, _controlLength);

    /// <summary>For <see cref="FrameRead.Invalid"/>: the status to close with, and why.</summary>
    public WebSocketCloseStatus FailStatus { get; private set; }

    public string FailReason { get; private set; } = "";

    /// <summary>
    /// Parses what <paramref name="result"/> holds up to the next thing to report and advances the pipe past it;
    /// null when more bytes are needed (the pipe is then advanced so that the next read waits for them). A
    /// canceled read is not an end: the caller decides what its cancellation meant.
    /// </summary>
    public FrameRead? Read(in ReadResult result, TwilioMessageBuffer inbox)
    {
        var buffer = result.Buffer;
        var found = Parse(buffer, inbox, out var consumed);
        if (found is not null)
        {
            input.AdvanceTo(consumed);
            return found;
        }

        input.AdvanceTo(consumed, buffer.End);
        return result.IsCompleted ? FrameRead.Ended : null;
    }

    private FrameRead? Parse(ReadOnlySequence<byte> buffer, TwilioMessageBuffer inbox, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> header = stackalloc byte[14];
        while (true)
        {
            if (!_inFrame)
            {
                if (!reader.TryPeek(0, out var first) || !reader.TryPeek(1, out var second))
                {
                    consumed = reader.Position;
                    return null;
                }

                var final = (first & 0x80) != 0;
                var opcode = (byte)(first & 0x0F);
                var length7 = second & 0x7F;
                var headerLength = 6 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
                var control = (opcode & 0x8) != 0;
                var refused = (first & 0x70) != 0 ? "reserved bits set"
                    : (second & 0x80) == 0 ? "unmasked client frame"
                    : opcode is > WebSocketFrames.Binary and < WebSocketFrames.Close or > WebSocketFrames.Pong ? "reserved opcode"
                    : control && !final ? "fragmented control frame"
                    : control && length7 > WebSocketFrames.MaxControlPayload ? "control frame over 125 bytes"
                    : opcode == WebSocketFrames.Continuation && _messageOpcode == 0 ? "continuation outside a message"
                    : opcode is WebSocketFrames.Text or WebSocketFrames.Binary && _messageOpcode != 0 ? "new message inside a fragmented one"
                    : null;
                if (refused is not null)
                {
                    consumed = reader.Position;
                    return Fail(WebSocketCloseStatus.ProtocolError, refused);
                }

                // A control frame is taken whole or not at all; a data frame's payload streams.
                if (reader.Remaining < headerLength + (control ? length7 : 0))
                {
                    consumed = reader.Position;
                    return null;
                }

                reader.TryCopyTo(header[..headerLength]);
                reader.Advance(headerLength);
                var key = BinaryPrimitives.ReadUInt32LittleEndian(header[(headerLength - 4)..]);
                if (control)
                {
                    var payload = _control.AsSpan(0, length7);
                    reader.TryCopyTo(payload);
                    reader.Advance(length7);
                    WebSocketFrames.Unmask(payload, payload, key, 0);
                    _controlLength = length7;
                    consumed = reader.Position;
                    return opcode switch
                    {
                        WebSocketFrames.Ping => FrameRead.Ping,
                        WebSocketFrames.Pong => FrameRead.Pong,
                        _ => CheckClose(payload),
                    };
                }

                ulong length = length7 switch
                {
                    126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
                    127 => BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
                    _ => (ulong)length7,
                };
                if (length > long.MaxValue)
                {
                    consumed = reader.Position;
                    return Fail(WebSocketCloseStatus.ProtocolError, "payload length with its top bit set");
                }

                if (opcode != WebSocketFrames.Continuation)
                {
                    _messageOpcode = opcode;
                }

                _inFrame = true;
                _frameFinal = final;
                _payloadLeft = (long)length;
                _key = key;
                _keyOffset = 0;
            }

            // The data frame's payload: as much as has arrived and the buffer takes, unmasked on the way in.
            var available = reader.UnreadSpan;
            if (_payloadLeft > 0 && available.IsEmpty)
            {
                consumed = reader.Position;
                return null;
            }

            var free = inbox.Free.Span;
            var n = (int)Math.Min(_payloadLeft, Math.Min(available.Length, free.Length));
            _keyOffset = WebSocketFrames.Unmask(available[..n], free, _key, _keyOffset);
            reader.Advance(n);
            _payloadLeft -= n;
            _inFrame = _payloadLeft > 0;
            switch (inbox.Received(n, !_inFrame && _frameFinal))
            {
                case TwilioRead.TooBig:
                    consumed = reader.Position;
                    return FrameRead.TooBig;
                case TwilioRead.Message:
                    consumed = reader.Position;
                    MessageType = _messageOpcode == WebSocketFrames.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                    _messageOpcode = 0;
                    return MessageType == WebSocketMessageType.Text && !Utf8.IsValid(inbox.Message)
                        ? Fail(WebSocketCloseStatus.InvalidPayloadData, "text message not UTF-8")
                        : FrameRead.Message;
            }
        }
    }

    /// <summary>A close frame's payload is empty, or a code a peer may send followed by a UTF-8 reason (§5.5.1, §7.4).</summary>
    private FrameRead CheckClose(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return FrameRead.Close;
        }

        if (payload.Length == 1 || !WebSocketFrames.IsValidCloseCode(BinaryPrimitives.ReadUInt16BigEndian(payload)))
        {
            return Fail(WebSocketCloseStatus.ProtocolError, "invalid close frame");
        }

        return Utf8.IsValid(payload[2..]) ? FrameRead.Close : Fail(WebSocketCloseStatus.InvalidPayloadData, "close reason not UTF-8");
    }

    private FrameRead Fail(WebSocketCloseStatus status, string reason)
    {
        FailStatus = status;
        FailReason = reason;
        return FrameRead.Invalid;
    }
}
