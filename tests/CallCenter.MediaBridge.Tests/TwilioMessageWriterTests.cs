using System.Text.Json;
using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The messages the bridge sends Twilio: an agent frame with its mark, and the clear of a barge-in.</summary>
public sealed class TwilioMessageWriterTests
{
    [Fact]
    public void An_agent_frame_and_its_mark_are_written_in_twilios_envelopes()
    {
        using var writer = new TwilioMessageWriter("MZ123");

        var (media, mark) = writer.Write("//79/w=="u8, 9_223_372_036_854_775_807);

        using var m = JsonDocument.Parse(media);
        Assert.Equal("media", m.RootElement.GetProperty("event").GetString());
        Assert.Equal("MZ123", m.RootElement.GetProperty("streamSid").GetString());
        Assert.Equal("//79/w==", m.RootElement.GetProperty("media").GetProperty("payload").GetString());
        using var k = JsonDocument.Parse(mark);
        Assert.Equal("mark", k.RootElement.GetProperty("event").GetString());
        Assert.Equal("MZ123", k.RootElement.GetProperty("streamSid").GetString());
        Assert.Equal("m9223372036854775807", k.RootElement.GetProperty("mark").GetProperty("name").GetString());
    }

    [Fact]
    public void A_mark_the_writer_names_is_read_back_with_its_number()
    {
        using var writer = new TwilioMessageWriter("MZ1");
        using var parser = new TwilioEventParser();

        var (_, mark) = writer.Write("AAAA"u8, 77);

        Assert.Equal(TwilioEvent.Mark, parser.Parse(mark.Span, out var seq));
        Assert.Equal(77, seq);
    }

    [Fact]
    public void A_frame_larger_than_the_pooled_buffer_is_written_whole()
    {
        using var writer = new TwilioMessageWriter("MZ1");
        var payload = new string('A', 12_000);

        var (media, _) = writer.Write(System.Text.Encoding.ASCII.GetBytes(payload), 1);

        using var m = JsonDocument.Parse(media);
        Assert.Equal(payload, m.RootElement.GetProperty("media").GetProperty("payload").GetString());
    }

    [Fact]
    public void The_clear_names_the_stream()
    {
        using var writer = new TwilioMessageWriter("MZ9");

        using var clear = JsonDocument.Parse(writer.Clear);

        Assert.Equal("clear", clear.RootElement.GetProperty("event").GetString());
        Assert.Equal("MZ9", clear.RootElement.GetProperty("streamSid").GetString());
    }

    [Fact]
    public void Writing_a_frame_and_its_mark_allocates_nothing()
    {
        using var writer = new TwilioMessageWriter("MZ1");
        var payload = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[160]));
        writer.Write(payload, 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            writer.Write(payload, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
