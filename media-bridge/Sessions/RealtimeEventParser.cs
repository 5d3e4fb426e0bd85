using System.Text;
using System.Text.Json;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Reads OpenAI Realtime server events. An audio delta is scanned in place, top-level properties only, and
/// handed on as slices of the message: it allocates nothing. Every other event is parsed in full (they are
/// few), and a malformed one is <see cref="RealtimeControlEvent.Other"/>, never an exception: it must not end the call.
/// </summary>
internal static class RealtimeEventParser
{
    public static RealtimeMessageKind Read(ReadOnlyMemory<byte> message, out RealtimeAudioDelta audio)
    {
        try
        {
            return Scan(message, out audio);
        }
        catch (JsonException)
        {
            // A malformed message is dropped, as a malformed control event is.
            audio = default;
            return RealtimeMessageKind.Ignored;
        }
    }

    private static RealtimeMessageKind Scan(ReadOnlyMemory<byte> message, out RealtimeAudioDelta audio)
    {
        audio = default;
        var reader = new Utf8JsonReader(message.Span);
        var isAudio = false;
        ReadOnlyMemory<byte> item = default, response = default, delta = default;
        var hasDelta = false;
        var deltaEscaped = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                {
                    reader.Skip();
                }

                continue;
            }

            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isAudio = reader.ValueTextEquals("response.output_audio.delta"u8) || reader.ValueTextEquals("response.audio.delta"u8);
                if (!isAudio)
                {
                    return RealtimeMessageKind.Control;
                }
            }
            else if (reader.ValueTextEquals("item_id"u8))
            {
                reader.Read();
                item = StringValue(message, ref reader);
            }
            else if (reader.ValueTextEquals("response_id"u8))
            {
                reader.Read();
                response = StringValue(message, ref reader);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                delta = StringValue(message, ref reader);
                hasDelta = reader.TokenType == JsonTokenType.String;
                deltaEscaped = reader.ValueIsEscaped;
            }
        }

        if (!isAudio || !hasDelta)
        {
            return RealtimeMessageKind.Ignored;
        }

        // Encoders leave base64's '/' plain; an escaped payload (never seen) takes the slow, allocating path.
        if (deltaEscaped)
        {
            delta = Encoding.UTF8.GetBytes(JsonDocument.Parse(message).RootElement.GetProperty("delta").GetString() ?? "");
        }

        audio = new RealtimeAudioDelta(item, response, delta);
        return RealtimeMessageKind.Audio;
    }

    public static RealtimeControlEvent ParseControl(ReadOnlyMemory<byte> message)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            return RealtimeControlEvent.Other;
        }

        using var _ = doc;
        var root = doc.RootElement;
        switch (Str(root, "type"))
        {
            case "input_audio_buffer.speech_started":
                return new RealtimeControlEvent(RealtimeControlKind.SpeechStarted);
            case "conversation.item.input_audio_transcription.completed":
                return Str(root, "transcript") is { Length: > 0 } said
                    ? new RealtimeControlEvent(RealtimeControlKind.CallerTranscript) { Transcript = said }
                    : RealtimeControlEvent.Other;
            case "response.output_audio_transcript.done" or "response.audio_transcript.done":
                return new RealtimeControlEvent(RealtimeControlKind.AgentTranscript)
                {
                    ItemId = Str(root, "item_id") ?? "",
                    Transcript = Str(root, "transcript") ?? "",
                };
            case "response.created" when Obj(root, "response") is { } created:
                return new RealtimeControlEvent(RealtimeControlKind.ResponseCreated)
                {
                    ResponseId = Str(created, "id") ?? "",
                    IsGoodbye = Obj(created, "metadata") is { } metadata && Str(metadata, "purpose") == RealtimeEvents.GoodbyePurpose,
                };
            case "response.function_call_arguments.done":
                return new RealtimeControlEvent(RealtimeControlKind.FunctionCall)
                {
                    ResponseId = Str(root, "response_id") ?? "",
                    Call = new FunctionCall(Str(root, "call_id") ?? "", Str(root, "name") ?? "", Str(root, "arguments") ?? "{}"),
                };
            case "response.done" when Obj(root, "response") is { } done:
                return new RealtimeControlEvent(RealtimeControlKind.ResponseDone)
                {
                    ResponseId = Str(done, "id"),
                    Completed = Str(done, "status") == "completed",
                    TurnDetected = Obj(done, "status_details") is { } details && Str(details, "reason") == "turn_detected",
                    Usage = Usage(done),
                };
            case "error" when Obj(root, "error") is { } error:
                return new RealtimeControlEvent(RealtimeControlKind.Error)
                {
                    ErrorCode = Str(error, "code"),
                    ErrorMessage = Str(error, "message"),
                };
            case "input_audio_buffer.speech_stopped":
                return new RealtimeControlEvent(RealtimeControlKind.SpeechStopped) { AudioEndMs = Int(root, "audio_end_ms") ?? 0 };
            default:
                return RealtimeControlEvent.Other;
        }
    }

    private static ReadOnlyMemory<byte> StringValue(ReadOnlyMemory<byte> message, ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String
            ? message.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length)
            : default;

    private static JsonElement? Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A <c>response.done</c>'s usage by token kind; absent fields count 0, an absent usage is null.</summary>
    private static RealtimeResponseUsage? Usage(JsonElement response)
    {
        if (Obj(response, "usage") is not { } usage)
        {
            return null;
        }

        var input = Obj(usage, "input_token_details");
        var cached = input is { } i ? Obj(i, "cached_tokens_details") : null;
        var output = Obj(usage, "output_token_details");
        return new RealtimeResponseUsage(
            In(input, "text_tokens"),
            In(input, "audio_tokens"),
            In(cached, "text_tokens"),
            In(cached, "audio_tokens"),
            In(output, "text_tokens"),
            In(output, "audio_tokens"));
    }

    private static long In(JsonElement? e, string name) => e is { } o ? Int(o, name) ?? 0 : 0;

    private static long? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}
