using System.Text.Json;
using CallCenter.Core.Calls;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Twilio's <c>start</c> message, read from bytes nobody has vouched for yet: every field is checked for its
/// JSON type, so a message of the wrong shape is a reason to refuse the stream, never an exception.
/// </summary>
internal sealed record TwilioStart(string StreamSid, string CallSid, string Token)
{
    // A real start nests three levels deep; anything far deeper is refused by the reader itself.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    /// <summary>What one message is: <c>connected</c> (read on), a valid <c>start</c>, or why it is refused.</summary>
    public static StartParse Parse(ReadOnlyMemory<byte> message, out TwilioStart? start)
    {
        start = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(message, Options);
        }
        catch (JsonException)
        {
            return StartParse.Refused("start is not JSON of at most 8 levels");
        }

        using var _ = doc;
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return StartParse.Refused("start is not a JSON object");
        }

        var kind = String(root, "event");
        if (kind == "connected")
        {
            return StartParse.Connected;
        }

        if (kind != "start" || !root.TryGetProperty("start", out var s) || s.ValueKind != JsonValueKind.Object)
        {
            return StartParse.Refused("first message is not a start");
        }

        var streamSid = String(root, "streamSid") ?? String(s, "streamSid");
        var callSid = String(s, "callSid");
        var token = s.TryGetProperty("customParameters", out var parameters) ? String(parameters, StreamTokens.ParameterName) : null;

        // The stream SID is written verbatim into every outgoing envelope, so it must be a plain SID.
        if (streamSid is not { Length: > 0 and <= 64 } || !streamSid.All(char.IsAsciiLetterOrDigit))
        {
            return StartParse.Refused("start has no valid streamSid");
        }

        if (callSid is not { Length: > 0 and <= 64 })
        {
            return StartParse.Refused("start has no valid callSid");
        }

        if (token is not { Length: > 0 })
        {
            return StartParse.Refused("start has no token");
        }

        start = new TwilioStart(streamSid, callSid, token);
        return StartParse.Start;
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
