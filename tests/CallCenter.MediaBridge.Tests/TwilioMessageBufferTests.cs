using System.Diagnostics;
using System.Runtime.InteropServices;
using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>How Twilio's messages are assembled from socket reads, and where an oversize one is refused.</summary>
public sealed class TwilioMessageBufferTests
{
    /// <summary>Feeds <paramref name="length"/> bytes in reads as large as the buffer takes; the last read ends the message when asked.</summary>
    private static TwilioRead Feed(TwilioMessageBuffer buffer, int length, bool end)
    {
        var left = length;
        while (true)
        {
            var n = Math.Min(left, buffer.Free.Length);
            buffer.Free.Span[..n].Fill((byte)'x');
            left -= n;
            var read = buffer.Received(n, end && left == 0);
            if (read != TwilioRead.Partial || left == 0)
            {
                return read;
            }
        }
    }

    [Fact]
    public void A_message_read_in_pieces_is_whole_on_its_last_piece()
    {
        using var buffer = new TwilioMessageBuffer();
        "{\"event\":"u8.CopyTo(buffer.Free.Span);
        Assert.Equal(TwilioRead.Partial, buffer.Received(9, endOfMessage: false));
        "\"stop\"}"u8.CopyTo(buffer.Free.Span);
        Assert.Equal(TwilioRead.Message, buffer.Received(7, endOfMessage: true));

        Assert.Equal("{\"event\":\"stop\"}"u8.ToArray(), buffer.Message.ToArray());
    }

    [Fact]
    public void A_message_of_64_KiB_is_kept_whole()
    {
        using var buffer = new TwilioMessageBuffer();

        Assert.Equal(TwilioRead.Message, Feed(buffer, TwilioMessageBuffer.MaxMessageBytes, end: true));
        Assert.Equal(TwilioMessageBuffer.MaxMessageBytes, buffer.Message.Length);
    }

    [Fact]
    public void A_message_that_goes_on_past_64_KiB_is_too_big_before_more_is_buffered()
    {
        using var buffer = new TwilioMessageBuffer();

        Assert.Equal(TwilioRead.TooBig, Feed(buffer, TwilioMessageBuffer.MaxMessageBytes, end: false));
    }

    [Fact]
    public void The_next_message_starts_afresh_after_a_large_one()
    {
        using var buffer = new TwilioMessageBuffer();
        Feed(buffer, 10_000, end: true);

        "{}"u8.CopyTo(buffer.Free.Span);
        Assert.Equal(TwilioRead.Message, buffer.Received(2, endOfMessage: true));
        Assert.Equal("{}"u8.ToArray(), buffer.Message.ToArray());
    }

    [Fact]
    public void After_a_large_message_the_next_one_starts_in_a_buffer_of_the_initial_size_and_a_frame_sized_one_keeps_it()
    {
        using var buffer = new TwilioMessageBuffer();
        Assert.Equal(TwilioMessageBuffer.InitialBytes, buffer.Free.Length);

        // The start message with its parameters: the buffer grows for it, and the call does not keep that size.
        Assert.Equal(TwilioRead.Message, Feed(buffer, 5000, end: true));
        Assert.Equal(5000, buffer.Message.Length);
        Assert.Equal(TwilioMessageBuffer.InitialBytes, buffer.Free.Length);

        // Frames fit: the same buffer serves every one of them, with no rent or return per frame.
        var arrays = new HashSet<object>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TwilioRead.Message, Feed(buffer, 400, end: true));
            Assert.True(MemoryMarshal.TryGetArray<byte>(buffer.Free, out var array));
            arrays.Add(array.Array!);
        }

        Assert.Single(arrays);
        Assert.Equal(TwilioMessageBuffer.InitialBytes, buffer.Free.Length);
    }

    [Fact]
    public void Every_read_even_a_partial_one_counts_as_twilio_sending()
    {
        using var buffer = new TwilioMessageBuffer();
        var before = buffer.LastMessage;
        Thread.Sleep(5);

        buffer.Received(1, endOfMessage: false);

        Assert.True(buffer.LastMessage > before);
        Assert.True(Stopwatch.GetElapsedTime(buffer.LastMessage) < TimeSpan.FromSeconds(5));
    }
}
