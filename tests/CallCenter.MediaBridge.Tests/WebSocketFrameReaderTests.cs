using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// The bridge's own RFC 6455 framing of what a client sends: the RFC's own examples (§5.7), fragments with
/// control frames between them, and every frame the RFC says fails the connection.
/// </summary>
public sealed class WebSocketFrameReaderTests
{
    private static readonly byte[] Key = [0x37, 0xfa, 0x21, 0x3d];

    /// <summary>A pipe the test writes client bytes into (in pieces, or all at once) and the reader under test reads.</summary>
    private sealed class Reading : IDisposable
    {
        // Never pausing the writer: the tests write whole frames of up to 64 KiB before reading.
        private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));

        public Reading() => Reader = new WebSocketFrameReader(_pipe.Reader);

        public WebSocketFrameReader Reader { get; }

        public TwilioMessageBuffer Inbox { get; } = new();

        public async Task WriteAsync(byte[] bytes, int piece = 0)
        {
            for (var i = 0; i < bytes.Length; i += piece == 0 ? bytes.Length : piece)
            {
                await _pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(piece == 0 ? bytes.Length : piece, bytes.Length - i)));
            }
        }

        public void End() => _pipe.Writer.Complete();

        /// <summary>The next report; null when what was written holds none yet.</summary>
        public FrameRead? Next() => _pipe.Reader.TryRead(out var result) ? Reader.Read(result, Inbox) : null;

        public string Text => Encoding.UTF8.GetString(Inbox.Message);

        public void Dispose() => Inbox.Dispose();
    }

    /// <summary>A client frame: masked with <see cref="Key"/> unless told otherwise.</summary>
    internal static byte[] Frame(byte opcode, byte[] payload, bool final = true, bool masked = true, byte reserved = 0)
    {
        var header = new List<byte> { (byte)((final ? 0x80 : 0) | reserved | opcode) };
        var mask = masked ? (byte)0x80 : (byte)0;
        if (payload.Length < 126)
        {
            header.Add((byte)(mask | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.AddRange([(byte)(mask | 126), (byte)(payload.Length >> 8), (byte)payload.Length]);
        }
        else
        {
            header.Add((byte)(mask | 127));
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                header.Add((byte)((long)payload.Length >> shift));
            }
        }

        if (!masked)
        {
            return [.. header, .. payload];
        }

        header.AddRange(Key);
        return [.. header, .. payload.Select((b, i) => (byte)(b ^ Key[i % 4]))];
    }

    [Fact]
    public async Task The_rfc_example_of_a_single_frame_masked_hello_is_the_text_hello()
    {
        using var r = new Reading();
        await r.WriteAsync([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);

        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal(WebSocketMessageType.Text, r.Reader.MessageType);
        Assert.Equal("Hello", r.Text);
    }

    [Fact]
    public async Task The_rfc_example_hello_arriving_one_byte_at_a_time_is_read_the_same()
    {
        using var r = new Reading();
        byte[] frame = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
        for (var i = 0; i < frame.Length - 1; i++)
        {
            await r.WriteAsync([frame[i]]);
            Assert.Null(r.Next());
        }

        await r.WriteAsync([frame[^1]]);
        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("Hello", r.Text);
    }

    [Fact]
    public async Task The_rfc_example_of_an_unmasked_hello_from_a_client_fails_the_connection_with_1002()
    {
        using var r = new Reading();
        await r.WriteAsync([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);

        Assert.Equal(FrameRead.Invalid, r.Next());
        Assert.Equal(WebSocketCloseStatus.ProtocolError, r.Reader.FailStatus);
    }

    [Fact]
    public async Task The_rfc_example_hello_in_two_fragments_masked_is_one_message()
    {
        using var r = new Reading();
        await r.WriteAsync([.. Frame(WebSocketFrames.Text, "Hel"u8.ToArray(), final: false), .. Frame(WebSocketFrames.Continuation, "lo"u8.ToArray())]);

        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("Hello", r.Text);
    }

    [Fact]
    public async Task The_rfc_examples_of_ping_and_masked_pong_carry_hello()
    {
        using var r = new Reading();
        await r.WriteAsync([0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58, 0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);

        Assert.Equal(FrameRead.Ping, r.Next());
        Assert.Equal("Hello", Encoding.UTF8.GetString(r.Reader.ControlPayload.Span));
        Assert.Equal(FrameRead.Pong, r.Next());
        Assert.Equal("Hello", Encoding.UTF8.GetString(r.Reader.ControlPayload.Span));
    }

    [Theory]
    [InlineData(256)] // the RFC's example of a 16-bit length
    [InlineData(TwilioMessageBuffer.MaxMessageBytes)] // the RFC's example of a 64-bit length: 64 KiB, the cap exactly
    public async Task The_rfc_examples_of_extended_lengths_masked_are_read_whole(int length)
    {
        using var r = new Reading();
        var payload = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        await r.WriteAsync(Frame(WebSocketFrames.Binary, payload), piece: 1000);

        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal(WebSocketMessageType.Binary, r.Reader.MessageType);
        Assert.Equal(payload, r.Inbox.Message.ToArray());
    }

    [Fact]
    public async Task A_ping_between_the_fragments_of_a_message_is_reported_first_and_the_message_stays_whole()
    {
        using var r = new Reading();
        await r.WriteAsync([.. Frame(WebSocketFrames.Text, "Hel"u8.ToArray(), final: false), .. Frame(WebSocketFrames.Ping, "x"u8.ToArray()),
            .. Frame(WebSocketFrames.Continuation, "l"u8.ToArray(), final: false), .. Frame(WebSocketFrames.Pong, []), .. Frame(WebSocketFrames.Continuation, "o"u8.ToArray())]);

        Assert.Equal(FrameRead.Ping, r.Next());
        Assert.Equal(FrameRead.Pong, r.Next());
        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("Hello", r.Text);
    }

    [Fact]
    public async Task Messages_following_each_other_in_one_read_are_reported_one_by_one()
    {
        using var r = new Reading();
        await r.WriteAsync([.. Frame(WebSocketFrames.Text, "one"u8.ToArray()), .. Frame(WebSocketFrames.Text, []), .. Frame(WebSocketFrames.Text, "three"u8.ToArray())]);

        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("one", r.Text);
        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("", r.Text);
        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("three", r.Text);
        Assert.Null(r.Next());
    }

    public static TheoryData<string, byte[], WebSocketCloseStatus> Refused => new()
    {
        { "reserved bit 1", Frame(WebSocketFrames.Text, "a"u8.ToArray(), reserved: 0x40), WebSocketCloseStatus.ProtocolError },
        { "reserved bit 3", Frame(WebSocketFrames.Text, "a"u8.ToArray(), reserved: 0x10), WebSocketCloseStatus.ProtocolError },
        { "reserved data opcode", Frame(0x3, "a"u8.ToArray()), WebSocketCloseStatus.ProtocolError },
        { "reserved control opcode", Frame(0xB, []), WebSocketCloseStatus.ProtocolError },
        { "unmasked binary", Frame(WebSocketFrames.Binary, [1, 2], masked: false), WebSocketCloseStatus.ProtocolError },
        { "unmasked close", Frame(WebSocketFrames.Close, [0x03, 0xE8], masked: false), WebSocketCloseStatus.ProtocolError },
        { "fragmented ping", Frame(WebSocketFrames.Ping, [], final: false), WebSocketCloseStatus.ProtocolError },
        { "ping of 126 bytes", Frame(WebSocketFrames.Ping, new byte[126]), WebSocketCloseStatus.ProtocolError },
        { "continuation with no message", Frame(WebSocketFrames.Continuation, "a"u8.ToArray()), WebSocketCloseStatus.ProtocolError },
        { "text inside a fragmented message", [.. Frame(WebSocketFrames.Text, "a"u8.ToArray(), final: false), .. Frame(WebSocketFrames.Text, "b"u8.ToArray())], WebSocketCloseStatus.ProtocolError },
        { "close of one byte", Frame(WebSocketFrames.Close, [0x03]), WebSocketCloseStatus.ProtocolError },
        { "close code 1005", Frame(WebSocketFrames.Close, [0x03, 0xED]), WebSocketCloseStatus.ProtocolError },
        { "close code 999", Frame(WebSocketFrames.Close, [0x03, 0xE7]), WebSocketCloseStatus.ProtocolError },
        { "close reason not UTF-8", Frame(WebSocketFrames.Close, [0x03, 0xE8, 0xC3, 0x28]), WebSocketCloseStatus.InvalidPayloadData },
        { "text not UTF-8", Frame(WebSocketFrames.Text, [0x7B, 0xC3, 0x28, 0x7D]), WebSocketCloseStatus.InvalidPayloadData },
        { "text not UTF-8 across fragments", [.. Frame(WebSocketFrames.Text, [0xE2, 0x82], final: false), .. Frame(WebSocketFrames.Continuation, [0x28])], WebSocketCloseStatus.InvalidPayloadData },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_frame_the_rfc_refuses_fails_the_connection_with_its_status(string why, byte[] bytes, WebSocketCloseStatus status)
    {
        using var r = new Reading();
        await r.WriteAsync(bytes);

        Assert.True(FrameRead.Invalid == r.Next(), why);
        Assert.Equal(status, r.Reader.FailStatus);
    }

    [Fact]
    public async Task Text_split_mid_character_across_fragments_is_valid_once_whole_and_binary_is_never_checked()
    {
        using var r = new Reading();
        await r.WriteAsync([.. Frame(WebSocketFrames.Text, [0xE2, 0x82], final: false), .. Frame(WebSocketFrames.Continuation, [0xAC]),
            .. Frame(WebSocketFrames.Binary, [0xC3, 0x28])]);

        Assert.Equal(FrameRead.Message, r.Next());
        Assert.Equal("€", r.Text);
        Assert.Equal(FrameRead.Message, r.Next());
    }

    [Fact]
    public async Task A_valid_close_carries_its_code_and_reason()
    {
        using var r = new Reading();
        await r.WriteAsync(Frame(WebSocketFrames.Close, [0x03, 0xE9, .. "bye"u8]));

        Assert.Equal(FrameRead.Close, r.Next());
        Assert.Equal(new byte[] { 0x03, 0xE9, (byte)'b', (byte)'y', (byte)'e' }, r.Reader.ControlPayload.ToArray());
    }

    [Fact]
    public async Task A_single_frame_one_byte_over_64_KiB_is_too_big_before_it_is_all_buffered()
    {
        using var r = new Reading();
        var frame = Frame(WebSocketFrames.Text, new byte[TwilioMessageBuffer.MaxMessageBytes + 1]);
        await r.WriteAsync(frame[..(frame.Length - 1)]);

        Assert.Equal(FrameRead.TooBig, r.Next());
    }

    [Fact]
    public async Task A_message_that_never_ends_is_too_big_at_64_KiB_of_fragments()
    {
        using var r = new Reading();
        var fragments = new List<byte>(Frame(WebSocketFrames.Text, new byte[4096], final: false));
        for (var i = 1; i < 20; i++)
        {
            fragments.AddRange(Frame(WebSocketFrames.Continuation, new byte[4096], final: false));
        }

        await r.WriteAsync([.. fragments]);

        Assert.Equal(FrameRead.TooBig, r.Next());
    }

    [Fact]
    public async Task A_connection_that_ends_mid_frame_is_reported_ended()
    {
        using var r = new Reading();
        await r.WriteAsync(Frame(WebSocketFrames.Text, "Hello"u8.ToArray())[..6]);
        Assert.Null(r.Next());

        r.End();

        Assert.Equal(FrameRead.Ended, r.Next());
    }

    [Fact]
    public void Unmasking_matches_the_rfc_definition_at_every_length_and_key_offset()
    {
        var random = new Random(6455);
        var key = new byte[4];
        for (var length = 0; length < 80; length++)
        {
            for (var offset = 0; offset < 4; offset++)
            {
                random.NextBytes(key);
                var source = new byte[length];
                random.NextBytes(source);
                var destination = new byte[length];

                var next = WebSocketFrames.Unmask(source, destination, BitConverter.ToUInt32(key), offset);

                // §5.3: octet i of the transformed data is octet i of the original XOR octet (i MOD 4) of the key.
                Assert.Equal(source.Select((b, i) => (byte)(b ^ key[(i + offset) % 4])).ToArray(), destination);
                Assert.Equal((offset + length) % 4, next);
            }
        }
    }

    [Fact]
    public void Server_frame_headers_use_the_shortest_length_form()
    {
        var header = new byte[10];

        Assert.Equal(2, WebSocketFrames.WriteHeader(header, WebSocketFrames.Text, 125));
        Assert.Equal(new byte[] { 0x81, 125 }, header[..2]);
        Assert.Equal(4, WebSocketFrames.WriteHeader(header, WebSocketFrames.Text, 256));
        Assert.Equal(new byte[] { 0x81, 126, 0x01, 0x00 }, header[..4]);
        Assert.Equal(10, WebSocketFrames.WriteHeader(header, WebSocketFrames.Binary, 65536));
        Assert.Equal(new byte[] { 0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0 }, header);
    }
}
