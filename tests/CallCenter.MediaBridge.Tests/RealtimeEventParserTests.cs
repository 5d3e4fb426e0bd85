using System.Text;
using CallCenter.MediaBridge.Sessions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>How OpenAI's server events are read: audio deltas in place, every other event in full, none ever thrown.</summary>
public sealed class RealtimeEventParserTests
{
    private static ReadOnlyMemory<byte> Utf8(string json) => Encoding.UTF8.GetBytes(json);

    private static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);

    [Theory]
    [InlineData("response.output_audio.delta")]
    [InlineData("response.audio.delta")]
    public void An_audio_delta_is_read_as_slices_of_its_message(string type)
    {
        var message = Utf8($$"""{"type":"{{type}}","event_id":"ev_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"//79/w=="}""");

        Assert.Equal(RealtimeMessageKind.Audio, RealtimeEventParser.Read(message, out var audio));
        Assert.Equal("item_1", Text(audio.ItemId));
        Assert.Equal("resp_1", Text(audio.ResponseId));
        Assert.Equal("//79/w==", Text(audio.Audio));
        Assert.Equal(4, audio.DecodedLength);
    }

    [Fact]
    public void An_audio_delta_with_escaped_payload_is_unescaped()
    {
        var message = Utf8("""{"type":"response.output_audio.delta","item_id":"item_1","delta":"\/\/79\/w=="}""");

        Assert.Equal(RealtimeMessageKind.Audio, RealtimeEventParser.Read(message, out var audio));
        Assert.Equal("//79/w==", Text(audio.Audio));
    }

    [Fact]
    public void Fields_nested_in_objects_or_arrays_are_not_the_deltas_own()
    {
        var message = Utf8("""{"type":"response.output_audio.delta","x":{"item_id":"nested","delta":"ZZZZ"},"y":[{"delta":"YYYY"}],"item_id":"item_1","delta":"AAAA"}""");

        Assert.Equal(RealtimeMessageKind.Audio, RealtimeEventParser.Read(message, out var audio));
        Assert.Equal("item_1", Text(audio.ItemId));
        Assert.Equal("AAAA", Text(audio.Audio));
        Assert.True(audio.ResponseId.IsEmpty);
    }

    [Theory]
    [InlineData("""{"type":"response.output_audio.delta","item_id":"item_1"}""")]
    [InlineData("""{"type":"response.output_audio.delta","item_id":"item_1","delta":null}""")]
    [InlineData("""{"item_id":"item_1","delta":"AAAA"}""")]
    [InlineData("""{"type":"response.output_audio.delta","delta":"AAAA" """)]
    [InlineData("""not json""")]
    public void A_delta_without_audio_or_a_malformed_message_is_ignored_not_thrown(string json)
    {
        Assert.Equal(RealtimeMessageKind.Ignored, RealtimeEventParser.Read(Utf8(json), out _));
    }

    [Theory]
    [InlineData("""{"type":"response.done","response":{}}""")]
    [InlineData("""{"type":"session.updated","session":{"audio":{"delta":"x"}}}""")]
    [InlineData("""{"event_id":"e","type":"error","error":{}}""")]
    public void Any_other_type_is_a_control_event(string json)
    {
        Assert.Equal(RealtimeMessageKind.Control, RealtimeEventParser.Read(Utf8(json), out _));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("AAAA", 3)]
    [InlineData("AAA=", 2)]
    [InlineData("AA==", 1)]
    public void The_decoded_length_of_base64_counts_its_padding(string base64, long bytes)
    {
        Assert.Equal(bytes, RealtimeAudioDelta.DecodedLengthOf(Encoding.ASCII.GetBytes(base64)));
    }

    [Fact]
    public void Reading_an_audio_delta_allocates_nothing()
    {
        var message = Utf8($$"""{"type":"response.output_audio.delta","event_id":"ev_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(new byte[800])}}"}""");
        RealtimeEventParser.Read(message, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            RealtimeEventParser.Read(message, out var audio);
            _ = audio.DecodedLength;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_completed_response_done_lets_its_calls_run()
    {
        var done = RealtimeEventParser.ParseControl(Utf8("""{"type":"response.done","response":{"id":"resp_1","status":"completed"}}"""));

        Assert.Equal(RealtimeControlKind.ResponseDone, done.Kind);
        Assert.Equal("resp_1", done.ResponseId);
        Assert.True(done.Completed);
        Assert.False(done.TurnDetected);
    }

    [Fact]
    public void A_response_cut_off_by_the_callers_turn_is_turn_detected()
    {
        var done = RealtimeEventParser.ParseControl(Utf8(
            """{"type":"response.done","response":{"id":"resp_1","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"}}}"""));

        Assert.False(done.Completed);
        Assert.True(done.TurnDetected);
    }

    [Fact]
    public void A_response_done_without_an_id_has_none()
    {
        var done = RealtimeEventParser.ParseControl(Utf8("""{"type":"response.done","response":{"status":"failed"}}"""));

        Assert.Equal(RealtimeControlKind.ResponseDone, done.Kind);
        Assert.Null(done.ResponseId);
        Assert.False(done.Completed);
    }

    [Theory]
    [InlineData("""{"type":"response.created","response":{"id":"resp_1","metadata":{"purpose":"goodbye"}}}""", true)]
    [InlineData("""{"type":"response.created","response":{"id":"resp_1","metadata":null}}""", false)]
    [InlineData("""{"type":"response.created","response":{"id":"resp_1"}}""", false)]
    public void A_created_response_is_the_goodbye_only_when_tagged_so(string json, bool goodbye)
    {
        var created = RealtimeEventParser.ParseControl(Utf8(json));

        Assert.Equal(RealtimeControlKind.ResponseCreated, created.Kind);
        Assert.Equal("resp_1", created.ResponseId);
        Assert.Equal(goodbye, created.IsGoodbye);
    }

    [Fact]
    public void A_function_call_without_arguments_gets_an_empty_object()
    {
        var call = RealtimeEventParser.ParseControl(Utf8(
            """{"type":"response.function_call_arguments.done","response_id":"resp_1","item_id":"item_1","call_id":"call_1","name":"end_call"}"""));

        Assert.Equal(RealtimeControlKind.FunctionCall, call.Kind);
        Assert.Equal("resp_1", call.ResponseId);
        Assert.Equal(new FunctionCall("call_1", "end_call", "{}"), call.Call);
    }

    [Fact]
    public void The_callers_words_are_read_and_an_empty_transcript_is_nothing()
    {
        var said = RealtimeEventParser.ParseControl(Utf8("""{"type":"conversation.item.input_audio_transcription.completed","item_id":"item_2","transcript":"Hello?"}"""));
        var empty = RealtimeEventParser.ParseControl(Utf8("""{"type":"conversation.item.input_audio_transcription.completed","item_id":"item_2","transcript":""}"""));

        Assert.Equal(RealtimeControlKind.CallerTranscript, said.Kind);
        Assert.Equal("Hello?", said.Transcript);
        Assert.Equal(RealtimeControlKind.Other, empty.Kind);
    }

    [Theory]
    [InlineData("response.output_audio_transcript.done")]
    [InlineData("response.audio_transcript.done")]
    public void An_agent_items_transcript_is_read_with_its_item(string type)
    {
        var done = RealtimeEventParser.ParseControl(Utf8($$"""{"type":"{{type}}","item_id":"item_1","transcript":"Hi there."}"""));

        Assert.Equal(RealtimeControlKind.AgentTranscript, done.Kind);
        Assert.Equal("item_1", done.ItemId);
        Assert.Equal("Hi there.", done.Transcript);
    }

    [Fact]
    public void An_error_is_read_with_its_code_and_message()
    {
        var error = RealtimeEventParser.ParseControl(Utf8(
            """{"type":"error","error":{"type":"invalid_request_error","code":"conversation_already_has_active_response","message":"busy"}}"""));

        Assert.Equal(RealtimeControlKind.Error, error.Kind);
        Assert.Equal("conversation_already_has_active_response", error.ErrorCode);
        Assert.Equal("busy", error.ErrorMessage);
    }

    [Theory]
    [InlineData("""{"type":"response.created"}""")]
    [InlineData("""{"type":"response.done","response":"resp_1"}""")]
    [InlineData("""{"type":"error"}""")]
    [InlineData("""{"type":"input_audio_buffer.speech_started""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"type":"session.created","session":{}}""")]
    public void A_control_event_of_the_wrong_shape_is_other_never_an_exception(string json)
    {
        Assert.Equal(RealtimeControlKind.Other, RealtimeEventParser.ParseControl(Utf8(json)).Kind);
    }

    [Fact]
    public void The_caller_starting_to_speak_is_read()
    {
        Assert.Equal(RealtimeControlKind.SpeechStarted,
            RealtimeEventParser.ParseControl(Utf8("""{"type":"input_audio_buffer.speech_started","audio_start_ms":100,"item_id":"item_3"}""")).Kind);
    }
}
