using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Fakes;

/// <summary>
/// OpenAI's HTTP API as far as the product uses it: audio transcriptions (multipart), chat completions with a
/// JSON-schema answer (summaries), and chat completions with function tools (WhatsApp replies, see
/// <see cref="FakeWhatsAppAgent"/>), each held to what the real API refuses. Counts requests and can fail on demand.
/// </summary>
public sealed class FakeOpenAiApi : LoopbackServer
{
    private int _transcriptions;
    private int _chats;
    private int _transientFailuresLeft;

    public int Transcriptions => Volatile.Read(ref _transcriptions);
    public int ChatCompletions => Volatile.Read(ref _chats);

    /// <summary>The next N transcription requests answer 503.</summary>
    public int TransientTranscriptionFailures { set => Volatile.Write(ref _transientFailuresLeft, value); }

    /// <summary>Every transcription request answers 400 (a request that will never succeed).</summary>
    public bool RejectTranscriptions { get; set; }

    /// <summary>The model behind WhatsApp replies (chat requests without a response format), with its tool calls.</summary>
    public FakeWhatsAppAgent WhatsAppAgent { get; } = new(WhatsAppReply);

    public const string WhatsAppReply = "Thanks for your message! How can we help?";

    public string TranscriptText { get; set; } = "Caller: Hi, this is Dana. I'd like a quote for a kitchen renovation.\nAgent: Of course, someone will call you tomorrow.";

    /// <summary>The <c>/v1</c> base the OpenAI SDK's Endpoint option takes.</summary>
    public Uri Endpoint => new(Root, "/v1");

    public static async Task<FakeOpenAiApi> StartAsync(int port = 0)
    {
        var fake = new FakeOpenAiApi();
        await fake.ListenAsync(port, CancellationToken.None);
        return fake;
    }

    protected override void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/audio/transcriptions", async (HttpContext http) =>
        {
            Interlocked.Increment(ref _transcriptions);
            var form = await http.Request.ReadFormAsync();
            if (form.Files.Count != 1 || string.IsNullOrEmpty(form["model"]))
            {
                return Error(400, "file and model are required");
            }

            if (RejectTranscriptions)
            {
                return Error(400, "Audio file might be corrupted or unsupported");
            }

            if (Interlocked.Decrement(ref _transientFailuresLeft) >= 0)
            {
                return Error(503, "The server is overloaded");
            }

            // As OpenAI answers: token usage for the gpt-4o transcribe models, duration for whisper-1.
            var file = form.Files[0];
            var audioSeconds = Math.Max(1, file.Length / 16_000.0);
            object usage = form["model"] == "whisper-1"
                ? new { type = "duration", seconds = Math.Ceiling(audioSeconds) }
                : new
                {
                    type = "tokens",
                    input_tokens = (long)(audioSeconds * 10) + 12,
                    input_token_details = new { text_tokens = 12, audio_tokens = (long)(audioSeconds * 10) },
                    output_tokens = TranscriptText.Length / 4,
                    total_tokens = (long)(audioSeconds * 10) + 12 + (TranscriptText.Length / 4),
                };
            return Results.Json(new { text = TranscriptText, usage });
        });
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            Interlocked.Increment(ref _chats);
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            // A summary asks for a JSON-schema answer; a WhatsApp reply is a conversation, with its tools.
            if (!body.RootElement.TryGetProperty("response_format", out _))
            {
                return WhatsAppAgent.Answer(body.RootElement);
            }

            if (ChatRequestRules.Check(body.RootElement) is { } refused)
            {
                return FakeWhatsAppAgent.Refuse(refused);
            }

            var model = body.RootElement.GetProperty("model").GetString();
            var content = JsonSerializer.Serialize(new
            {
                summary = "The caller asked for a kitchen renovation quote; a call back was promised for tomorrow.",
                caller_intent = "kitchen renovation quote",
                lead_name = "Dana",
                lead_status = "qualified",
                follow_up = "Call Dana tomorrow with a quote.",
            });
            return Results.Json(new
            {
                id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
                @object = "chat.completion",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
                usage = ChatUsage(body.RootElement, content),
            });
        });
    }

    // Real-shaped: ~4 characters a token over the messages asked and the answer given.
    private static object ChatUsage(JsonElement request, string answer)
    {
        var asked = request.TryGetProperty("messages", out var messages) ? messages.GetRawText().Length / 4 : 0;
        var answered = answer.Length / 4;
        return new
        {
            prompt_tokens = asked,
            completion_tokens = answered,
            total_tokens = asked + answered,
            prompt_tokens_details = new { cached_tokens = 0, audio_tokens = 0 },
            completion_tokens_details = new { reasoning_tokens = 0, audio_tokens = 0, accepted_prediction_tokens = 0, rejected_prediction_tokens = 0 },
        };
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = new { message, type = "invalid_request_error", code = (string?)null } }, statusCode: status);
}
