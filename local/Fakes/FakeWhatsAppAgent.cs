using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Fakes;

/// <summary>
/// A scripted chat model behind the chat completions wire protocol, for the WhatsApp agent. Every request is first
/// held to <see cref="ChatRequestRules"/> (a 400 with OpenAI's error object, as the real service answers). Then:
/// a contact's last message "call me back at {time}" with <c>schedule_callback</c> offered (and tool_choice not
/// "none") is answered with a <c>tool_calls</c> message (finish_reason <c>tool_calls</c>, a fresh <c>call_…</c> id,
/// arguments <c>{"at":"{time}","reason":…}</c>); a request ending in the tool's output is answered with a text that
/// repeats its <c>scheduledFor</c> or its <c>error</c>; anything else gets the plain reply.
/// </summary>
public sealed partial class FakeWhatsAppAgent(string plainReply)
{
    public const string ScheduleCallback = "schedule_callback";

    /// <summary>The start of the text answering an error output of the tool.</summary>
    public const string CouldNotSchedule = "Sorry, I could not schedule that call";

    /// <summary>The start of the text answering a scheduled callback.</summary>
    public const string Scheduled = "Done! We will call you back at";

    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly ConcurrentQueue<string> _issued = new();

    /// <summary>The tool call ids this model issued, oldest first.</summary>
    public IReadOnlyList<string> IssuedCallIds => [.. _issued];

    /// <summary>The message of every request refused with a 400: a correct client causes none.</summary>
    public IReadOnlyList<string> Refusals => [.. _refusals];

    /// <summary>The HTTP answer to one request body, as <c>POST /v1/chat/completions</c> gives it.</summary>
    public IResult Answer(JsonElement body)
    {
        if (ChatRequestRules.Check(body) is { } error)
        {
            _refusals.Enqueue(error.Message);
            return Refuse(error);
        }

        var messages = body.GetProperty("messages");
        var last = messages[messages.GetArrayLength() - 1];
        if (last.GetProperty("role").GetString() == "tool")
        {
            return Completion(body, Text(Output(last)), null);
        }

        var asked = CallMeAt().Match(LastUserText(messages));
        if (asked.Success && Offers(body, ScheduleCallback))
        {
            var id = "call_" + Guid.NewGuid().ToString("N")[..24];
            _issued.Enqueue(id);
            var arguments = JsonSerializer.Serialize(new { at = asked.Groups["at"].Value.TrimEnd('.', ',', '!', '?'), reason = "asked on WhatsApp" });
            return Completion(body, null, new[] { new { id, type = "function", function = new { name = ScheduleCallback, arguments } } });
        }

        return Completion(body, plainReply, null);
    }

    /// <summary>OpenAI's error object for a refused request.</summary>
    public static IResult Refuse(ChatRequestError error) =>
        Results.Json(new { error = new { message = error.Message, type = "invalid_request_error", param = error.Param, code = error.Code } }, statusCode: 400);

    private static string Text(JsonElement output) =>
        output.ValueKind == JsonValueKind.Object && output.TryGetProperty("error", out var e) ? $"{CouldNotSchedule}: {e}. Which time suits you?"
        : output.ValueKind == JsonValueKind.Object && output.TryGetProperty("scheduledFor", out var at) ? $"{Scheduled} {at.GetString()}."
        : "Done.";

    private static JsonElement Output(JsonElement toolMessage)
    {
        var content = toolMessage.TryGetProperty("content", out var c) ? Content(c) : "";
        try
        {
            using var parsed = JsonDocument.Parse(content);
            return parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static bool Offers(JsonElement body, string tool) =>
        !(body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.String && choice.GetString() == "none")
        && body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
        && tools.EnumerateArray().Any(t => t.GetProperty("function").GetProperty("name").GetString() == tool);

    private static string LastUserText(JsonElement messages) =>
        messages.EnumerateArray().LastOrDefault(m => m.GetProperty("role").GetString() == "user") is { ValueKind: JsonValueKind.Object } user
            && user.TryGetProperty("content", out var content)
            ? Content(content)
            : "";

    // Content is a string, or an array of text parts.
    private static string Content(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? "",
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : "")),
        _ => "",
    };

    private static IResult Completion(JsonElement body, string? text, object? toolCalls)
    {
        object message = toolCalls is null
            ? new { role = "assistant", content = text, refusal = (string?)null }
            : new { role = "assistant", content = (string?)null, refusal = (string?)null, tool_calls = toolCalls };
        var asked = body.GetProperty("messages").GetRawText().Length / 4;
        var answered = (text?.Length ?? 40) / 4;
        return Results.Json(new
        {
            id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = body.GetProperty("model").GetString(),
            choices = new[] { new { index = 0, message, finish_reason = toolCalls is null ? "stop" : "tool_calls", logprobs = (object?)null } },
            usage = new { prompt_tokens = asked, completion_tokens = answered, total_tokens = asked + answered },
        });
    }

    [GeneratedRegex(@"call me(?: back)? (?:at|on) (?<at>\S+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CallMeAt();
}
