using System.Text;
using System.Text.Json;
using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>How a Twilio message is read on the audio path: event, mark number, and the append event it becomes.</summary>
public sealed class TwilioEventParserTests
{
    private static byte[] Media(string payload) =>
        Encoding.UTF8.GetBytes($$"""{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"3","timestamp":"60","payload":"{{payload}}"},"streamSid":"MZ1"}""");

    private static string AppendedAudio(TwilioEventParser parser)
    {
        using var doc = JsonDocument.Parse(parser.Append);
        Assert.Equal("input_audio_buffer.append", doc.RootElement.GetProperty("type").GetString());
        return doc.RootElement.GetProperty("audio").GetString()!;
    }

    [Fact]
    public void A_media_event_becomes_an_append_event_with_its_payload_copied_as_is()
    {
        using var parser = new TwilioEventParser();

        Assert.Equal(TwilioEvent.Media, parser.Parse(Media("//79/w=="), out var mark));
        Assert.Equal(0, mark);
        Assert.Equal("//79/w==", AppendedAudio(parser));
    }

    [Fact]
    public void A_media_event_with_escaped_payload_is_parsed()
    {
        using var parser = new TwilioEventParser();

        Assert.Equal(TwilioEvent.Media, parser.Parse(Media("""\/\/79\/w=="""), out _));
        Assert.Equal("//79/w==", AppendedAudio(parser));
    }

    [Fact]
    public void A_payload_larger_than_the_pooled_buffer_is_appended_whole()
    {
        using var parser = new TwilioEventParser();
        var payload = new string('A', 8000);

        parser.Parse(Media(payload), out _);

        Assert.Equal(payload, AppendedAudio(parser));
    }

    [Fact]
    public void A_mark_echo_carries_the_number_of_its_mark_and_appends_nothing()
    {
        using var parser = new TwilioEventParser();
        parser.Parse(Media("AAAA"), out _);

        Assert.Equal(TwilioEvent.Mark, parser.Parse("""{"event":"mark","streamSid":"MZ1","mark":{"name":"m42"}}"""u8, out var mark));
        Assert.Equal(42, mark);
        Assert.True(parser.Append.IsEmpty);
    }

    [Theory]
    [InlineData("""{"event":"mark","mark":{"name":"x42"}}""")]
    [InlineData("""{"event":"mark","mark":{"name":"m"}}""")]
    [InlineData("""{"event":"mark","mark":{"name":"mabc"}}""")]
    public void A_mark_not_named_by_the_bridge_has_no_number(string message)
    {
        using var parser = new TwilioEventParser();

        Assert.Equal(TwilioEvent.Mark, parser.Parse(Encoding.UTF8.GetBytes(message), out var mark));
        Assert.Equal(0, mark);
    }

    [Theory]
    [InlineData("""{"event":"stop","stop":{"callSid":"CA1"}}""", "Stop")]
    [InlineData("""{"event":"connected","protocol":"Call"}""", "Other")]
    [InlineData("""{"event":"dtmf","dtmf":{"digit":"1"}}""", "Dtmf")]
    [InlineData("""{"event":"dtmf","dtmf":{"digit":"x"}}""", "Other")]
    [InlineData("""{"event":"dtmf","dtmf":{"digit":"12"}}""", "Other")]
    [InlineData("""{"media":{"event":"stop","payload":"AAAA"}}""", "Other")]
    public void Only_the_top_level_event_names_the_message(string message, string expected)
    {
        using var parser = new TwilioEventParser();

        Assert.Equal(expected, parser.Parse(Encoding.UTF8.GetBytes(message), out _).ToString());
        Assert.True(parser.Append.IsEmpty);
    }

    [Fact]
    public void A_media_event_without_payload_appends_nothing()
    {
        using var parser = new TwilioEventParser();

        Assert.Equal(TwilioEvent.Media, parser.Parse("""{"event":"media","media":{"track":"inbound"}}"""u8, out _));
        Assert.True(parser.Append.IsEmpty);
    }

    [Fact]
    public void Parsing_a_media_frame_or_a_mark_allocates_nothing()
    {
        using var parser = new TwilioEventParser();
        var media = Media(Convert.ToBase64String(new byte[160]));
        var mark = """{"event":"mark","streamSid":"MZ1","mark":{"name":"m123456"}}"""u8.ToArray();
        parser.Parse(media, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            parser.Parse(media, out _);
            parser.Parse(mark, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("9")]
    [InlineData("*")]
    [InlineData("#")]
    public void A_dtmf_event_names_its_key_without_allocating(string digit)
    {
        using var parser = new TwilioEventParser();
        var message = Encoding.UTF8.GetBytes("""{"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"D"}}""".Replace("\"D\"", $"\"{digit}\"", StringComparison.Ordinal));
        parser.Parse(message, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var kind = parser.Parse(message, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((TwilioEvent.Dtmf, digit[0]), (kind, parser.Digit));
        Assert.Equal(0, allocated);
        Assert.Equal('\0', (parser.Parse(Encoding.UTF8.GetBytes("""{"event":"mark","mark":{"name":"m1"}}"""), out _), parser.Digit).Item2);
    }
}
