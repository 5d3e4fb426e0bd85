using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// Seeded generator of <c>start</c> messages that must be refused: a real start (with a valid token for the
/// call) with one to three things broken in it — a wrong JSON type, a missing or oversize field, a token that
/// is junk or another call's, deep nesting — or bytes that are not a JSON object at all.
/// </summary>
public sealed partial class StartMessageGenerator(int seed, string callSid, string validToken, string otherCallsToken)
{
    private readonly Random _random = new(seed);

    private static readonly Func<JsonNode?>[] WrongValues =
    [
        () => null,
        () => 1,
        () => -1.5e300,
        () => true,
        () => new JsonArray(),
        () => new JsonArray(1, "a"),
        () => new JsonObject(),
        () => new JsonObject { ["x"] = 1 },
    ];

    public string Next()
    {
        if (_random.Next(10) == 0)
        {
            return NotAnObject();
        }

        var root = JsonNode.Parse(RawMediaSocket.Start(callSid, validToken, "MZ" + _random.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture)))!.AsObject();
        var breaks = 1 + _random.Next(3);
        for (var i = 0; i < breaks; i++)
        {
            Break(root);
        }

        // Deep values are spliced in as text: the JSON writer itself refuses more than 64 levels.
        return DeepMarker().Replace(root.ToJsonString(), m => Deep(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private void Break(JsonObject root)
    {
        var start = root["start"] as JsonObject;
        var parameters = start?["customParameters"] as JsonObject;
        switch (_random.Next(12))
        {
            case 0:
                root["event"] = Pick(WrongValues)() ?? JsonValue.Create("stop");
                break;
            case 1:
                root.Remove("event");
                break;
            case 2:
                root["start"] = Pick(WrongValues)();
                break;
            case 3:
                root.Remove("start");
                break;
            case 4:
                // Both places Twilio may put it.
                root["streamSid"] = Pick<Func<JsonNode?>>([() => Pick(WrongValues)(), () => "", () => "MZ not/plain\"", () => new string('M', 100)])();
                start?.Remove("streamSid");
                break;
            case 5 when start is not null:
                start["callSid"] = Pick(WrongValues)();
                break;
            case 6 when start is not null:
                start["callSid"] = Pick<Func<JsonNode?>>([() => "CA" + Guid.NewGuid().ToString("N"), () => "", () => new string('C', 200)])();
                break;
            case 7 when start is not null:
                start["customParameters"] = Pick(WrongValues)();
                break;
            case 8 when parameters is not null:
                parameters["token"] = Pick(WrongValues)();
                break;
            case 9 when parameters is not null:
                parameters["token"] = Pick<Func<JsonNode?>>([() => "", () => "x.y", () => validToken + "A", () => otherCallsToken, () => new string('t', 600), () => validToken.Replace('.', '!')])();
                break;
            case 10:
                // Far deeper than any real start; the value is put where the parser looks.
                var target = start ?? root;
                target[Pick(["callSid", "customParameters"])] = DeepValue(20 + _random.Next(100));
                break;
            default:
                root["event"] = Pick(WrongValues)() ?? JsonValue.Create(1);
                root["start"] = DeepValue(100);
                break;
        }
    }

    private string NotAnObject()
    {
        string[] options =
        [
            "[]", "1", "\"start\"", "null", "true", "{", "{\"event\":\"start\",\"start\":", "{\"event\":1}",
            new string('[', 100) + new string(']', 100), new string('[', 5000),
            "{\"event\":\"start\",\"start\":{\"callSid\":\"" + callSid + "\",\"customParameters\":{\"token\":\"" + validToken + "\"}}",
        ];
        return _random.Next(4) == 0 ? RandomText() : Pick(options);
    }

    private string RandomText()
    {
        var chars = new StringBuilder();
        var length = _random.Next(1, 200);
        for (var i = 0; i < length; i++)
        {
            chars.Append((char)_random.Next(32, 127));
        }

        return chars.ToString();
    }

    private static string Deep(int levels)
    {
        var text = new StringBuilder();
        for (var i = 0; i < levels; i++)
        {
            text.Append(i % 2 == 0 ? "[" : "{\"a\":");
        }

        text.Append("\"x\"");
        for (var i = levels - 1; i >= 0; i--)
        {
            text.Append(i % 2 == 0 ? ']' : '}');
        }

        return text.ToString();
    }

    private static JsonNode DeepValue(int levels) => JsonValue.Create($"@@deep:{levels}@@");

    [GeneratedRegex("\"@@deep:([0-9]+)@@\"")]
    private static partial Regex DeepMarker();

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
