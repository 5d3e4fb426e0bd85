using System.ClientModel;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using Microsoft.Extensions.Options;
using OpenAI.Chat;

namespace CallCenter.Core.OpenAi;

/// <summary>OpenAI chat with a strict JSON schema, so the answer always parses into <see cref="CallSummary"/>.</summary>
public sealed class OpenAiCallSummaryModel(IOptions<OpenAiOptions> options) : ICallSummaryModel
{
    private static readonly BinaryData Schema = BinaryData.FromString("""
        {
          "type": "object",
          "additionalProperties": false,
          "required": ["summary", "caller_intent", "lead_name", "lead_status", "follow_up"],
          "properties": {
            "summary": { "type": "string", "description": "Two or three sentences on what was said and agreed." },
            "caller_intent": { "type": "string", "description": "What the caller wanted, in a few words." },
            "lead_name": { "type": ["string", "null"], "description": "The caller's name if they gave it." },
            "lead_status": { "type": ["string", "null"], "enum": ["new", "contacted", "qualified", "customer", "lost", null] },
            "follow_up": { "type": ["string", "null"], "description": "What the business should do next, if anything." }
          }
        }
        """);

    private readonly ChatClient _client = new(options.Value.ChatModel, options.Value.Credential, options.Value.ClientOptions());

    public async Task<CallSummary> SummarizeAsync(string transcript, string language, CancellationToken ct = default)
    {
        ChatMessage[] messages =
        [
            new SystemChatMessage(
                $"You summarize phone calls of a business for its CRM. Write in the call's language ({language}). " +
                "Answer only with the JSON object the schema describes."),
            new UserChatMessage(transcript),
        ];
        var chatOptions = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("call_summary", Schema, jsonSchemaIsStrict: true),
        };
        try
        {
            var completion = await _client.CompleteChatAsync(messages, chatOptions, ct);
            var json = completion.Value.Content.Count > 0 ? completion.Value.Content[0].Text : "";
            var summary = JsonSerializer.Deserialize<CallSummary>(json)
                ?? throw new PermanentFailureException("The summary model answered null.");
            var usage = completion.Value.Usage;
            return summary with
            {
                Usage = usage is null ? null : new ModelUsage(options.Value.ChatModel, usage.InputTokenCount, usage.OutputTokenCount),
            };
        }
        catch (ClientResultException e) when (!OpenAiErrors.IsTransient(e))
        {
            throw new PermanentFailureException($"Summary refused ({e.Status}): {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new PermanentFailureException("The summary model's answer did not match the schema.", e);
        }
    }
}
