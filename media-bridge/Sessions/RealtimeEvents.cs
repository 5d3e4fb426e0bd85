using System.Text;
using System.Text.Json;
using CallCenter.Core.Calls;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>The GA client events the bridge sends, written once per call or per control event (never per frame).</summary>
internal static class RealtimeEvents
{
    // respondToTurns: server VAD answers and interrupts by itself (create_response, interrupt_response); off
    // while an outbound opening or a voicemail message must play whole (CallOpening).
    public static byte[] SessionUpdate(CallContext context, string model, string transcriptionModel, bool respondToTurns = true)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "session.update");
            w.WriteStartObject("session");
            w.WriteString("type", "realtime");
            w.WriteString("model", model);
            w.WriteStartArray("output_modalities");
            w.WriteStringValue("audio");
            w.WriteEndArray();
            w.WriteString("instructions", context.Instructions.Text);
            w.WriteStartObject("audio");
            w.WriteStartObject("input");
            w.WriteStartObject("format");
            w.WriteString("type", "audio/pcmu");
            w.WriteEndObject();
            w.WriteStartObject("turn_detection");
            w.WriteString("type", "server_vad");
            w.WriteBoolean("create_response", respondToTurns);
            w.WriteBoolean("interrupt_response", respondToTurns);
            w.WriteEndObject();
            w.WriteStartObject("transcription");
            w.WriteString("model", transcriptionModel);
            w.WriteString("language", Iso639(context.Instructions.Language is { Length: > 0 } l ? l : context.Tenant.Language));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("output");
            w.WriteStartObject("format");
            w.WriteString("type", "audio/pcmu");
            w.WriteEndObject();
            w.WriteString("voice", context.Instructions.Voice is { Length: > 0 } v ? v : context.Tenant.Voice);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("tools");
            foreach (var tool in context.ModelTools)
            {
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteString("name", tool.Name);
                w.WriteString("description", tool.Description);
                w.WritePropertyName("parameters");
                w.WriteRawValue(tool.ParametersJsonSchema);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("tool_choice", "auto");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static readonly byte[] ResponseCreate = """{"type":"response.create"}"""u8.ToArray();

    /// <summary>What <see cref="GoodbyeCreate"/> marks its response with; <c>response.created</c> echoes it.</summary>
    public const string GoodbyePurpose = "goodbye";

    /// <summary>Asks for the goodbye, tagged so its own response (not another one running alongside) is waited for.</summary>
    public static readonly byte[] GoodbyeCreate = """{"type":"response.create","response":{"metadata":{"purpose":"goodbye"}}}"""u8.ToArray();

    /// <summary>
    /// The goodbye when the bridge, not the model, ends the call (its length limit, a replica shutting down):
    /// the model is told why it must close, and the response is tagged as the goodbye.
    /// </summary>
    public static readonly byte[] ClosingLineCreate =
        """{"type":"response.create","response":{"instructions":"The call must end now. Say one short, polite goodbye sentence and nothing else.","metadata":{"purpose":"goodbye"}}}"""u8.ToArray();

    public static byte[] Truncate(string itemId, long audioEndMs) => Json(w =>
    {
        w.WriteString("type", "conversation.item.truncate");
        w.WriteString("item_id", itemId);
        w.WriteNumber("content_index", 0);
        w.WriteNumber("audio_end_ms", audioEndMs);
    });

    public static byte[] FunctionOutput(string callId, string output) => Json(w =>
    {
        w.WriteString("type", "conversation.item.create");
        w.WriteStartObject("item");
        w.WriteString("type", "function_call_output");
        w.WriteString("call_id", callId);
        w.WriteString("output", output);
        w.WriteEndObject();
    });

    /// <summary>Replays a spoken turn into a fresh session after a reconnect, so the model remembers the call.</summary>
    public static byte[] ReplayMessage(TurnRole role, string text) => Json(w =>
    {
        w.WriteString("type", "conversation.item.create");
        w.WriteStartObject("item");
        w.WriteString("type", "message");
        w.WriteString("role", role == TurnRole.Agent ? "assistant" : "user");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", role == TurnRole.Agent ? "output_text" : "input_text");
        w.WriteString("text", text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Replays a function call the model made, as the function call it was.</summary>
    public static byte[] ReplayFunctionCall(string callId, string name, string arguments) => Json(w =>
    {
        w.WriteString("type", "conversation.item.create");
        w.WriteStartObject("item");
        w.WriteString("type", "function_call");
        w.WriteString("call_id", callId);
        w.WriteString("name", name);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
    });

    /// <summary>One client event: the object <paramref name="body"/> writes, as UTF-8 JSON.</summary>
    internal static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string Iso639(string tag) => tag.Split('-')[0];

    public static string Utf8(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);
}
