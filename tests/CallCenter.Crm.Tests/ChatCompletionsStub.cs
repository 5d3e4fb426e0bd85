using System.Text.Json;
using CallCenter.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Crm.Tests;

/// <summary>
/// OpenAI's chat completions endpoint for the WhatsApp reply: the scripted <see cref="FakeWhatsAppAgent"/> (a fixed
/// text, or a schedule_callback call when asked for one), keeping the system message of each request so tests can
/// compare it with the builder's output.
/// </summary>
public sealed class ChatCompletionsStub : LoopbackServer
{
    public const string Reply = "Thanks for your message! How can we help?";
    private readonly List<string> _systemMessages = [];

    /// <summary>The model answering: the fixed reply, the tool-call round trip of schedule_callback, and OpenAI's refusals.</summary>
    public FakeWhatsAppAgent Agent { get; } = new(Reply);

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

            return Agent.Answer(body.RootElement);
        });

    // Content is a string, or an array of text parts.
    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString() ?? ""
        : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
}
