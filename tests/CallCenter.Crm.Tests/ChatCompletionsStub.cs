using System.Text.Json;
using CallCenter.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Crm.Tests;

/// <summary>
/// OpenAI's chat completions endpoint, just enough for the WhatsApp reply: answers a fixed text and keeps
/// the system message of each request so tests can compare it with the builder's output.
/// </summary>
public sealed class ChatCompletionsStub : LoopbackServer
{
    public const string Reply = "Thanks for your message! How can we help?";
    private readonly List<string> _systemMessages = [];

    public IReadOnlyList<string> SystemMessages
    {
        get
        {
            lock (_systemMessages)
            {
                return [.. _systemMessages];
            }
        }
    }

    public static async Task<ChatCompletionsStub> StartAsync()
    {
        var stub = new ChatCompletionsStub();
        await stub.ListenAsync(0, CancellationToken.None);
        return stub;
    }

    protected override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/v1/chat/completions", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var system = body.RootElement.GetProperty("messages").EnumerateArray()
                .FirstOrDefault(m => m.GetProperty("role").GetString() == "system");
            lock (_systemMessages)
            {
                _systemMessages.Add(system.ValueKind == JsonValueKind.Object ? Text(system.GetProperty("content")) : "");
            }

            return Results.Json(new
            {
                id = "chatcmpl-test",
                @object = "chat.completion",
                created = 1700000000,
                model = body.RootElement.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content = Reply, refusal = (string?)null }, finish_reason = "stop", logprobs = (object?)null } },
                usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
            });
        });

    // Content is a string, or an array of text parts.
    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString() ?? ""
        : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
}
