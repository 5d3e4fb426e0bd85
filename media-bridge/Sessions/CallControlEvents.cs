using System.Globalization;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The client events of call control (issue 18): key presses handed to the model, the silence re-prompt, the
/// voicemail message and the switch that lets server VAD answer turns again after a guarded opening. Written
/// once per event, never per frame.
/// </summary>
internal static class CallControlEvents
{
    /// <summary>Turns server VAD's own answers and interruptions back on after the opening has played.</summary>
    public static readonly byte[] RespondToTurns =
        """{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":true,"interrupt_response":true}}}}}"""u8.ToArray();

    /// <summary>
    /// Asks, once, whether the caller is still there. Not a goodbye: a caller who answers carries on the call.
    /// </summary>
    public static readonly byte[] RepromptCreate =
        """{"type":"response.create","response":{"instructions":"The caller has said nothing for a while. Ask once, briefly and politely, whether they are still there (for example \"Are you still there?\"), in the language of the call, and nothing else.","metadata":{"purpose":"reprompt"}}}"""u8.ToArray();

    /// <summary>The turn stored for a key press.</summary>
    public static string DtmfTurn(char digit) => $"pressed {digit}";

    /// <summary>A key press as a user message: the key and when, in the call, it was pressed.</summary>
    public static byte[] DtmfItem(char digit, TimeSpan at) => RealtimeEvents.Json(w =>
    {
        w.WriteString("type", "conversation.item.create");
        w.WriteStartObject("item");
        w.WriteString("type", "message");
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "input_text");
        w.WriteString("text", string.Create(CultureInfo.InvariantCulture,
            $"[keypad] The caller pressed {digit} on the phone keypad, {at.TotalSeconds:0.0} s into the call."));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>
    /// The voicemail message, said word for word after the machine's beep, tagged as the goodbye: the call
    /// hangs up once it has played.
    /// </summary>
    public static byte[] VoicemailCreate(string message) => RealtimeEvents.Json(w =>
    {
        w.WriteString("type", "response.create");
        w.WriteStartObject("response");
        w.WriteString("instructions",
            "You reached an answering machine and its beep has sounded. Leave this voicemail message, word for word, "
            + $"and say nothing else: \"{message}\"");
        w.WriteStartObject("metadata");
        w.WriteString("purpose", RealtimeEvents.GoodbyePurpose);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
