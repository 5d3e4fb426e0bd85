using System.ClientModel;
using CallCenter.Core.Faults;
using CallCenter.Core.OpenAi;
using CallCenter.Core.Prompts;
using Microsoft.Extensions.Options;
using OpenAI.Chat;

namespace CallCenter.Core.WhatsApp;

public sealed class OpenAiWhatsAppReplyModel(IOptions<OpenAiOptions> options) : IWhatsAppReplyModel
{
    private readonly ChatClient _client = new(options.Value.ChatModel, options.Value.Credential, options.Value.ClientOptions);

    public async Task<string> ReplyAsync(AgentInstructions instructions, IReadOnlyList<WhatsAppMessage> history, CancellationToken ct = default)
    {
        var messages = new List<ChatMessage> { new SystemChatMessage(instructions.Text) };
        foreach (var m in history)
        {
            messages.Add(m.Direction == MessageDirection.Inbound ? new UserChatMessage(m.Text) : new AssistantChatMessage(m.Text));
        }

        try
        {
            var completion = await _client.CompleteChatAsync(messages, cancellationToken: ct).ConfigureAwait(false);
            return completion.Value.Content.Count > 0 && completion.Value.Content[0].Text is { Length: > 0 } text
                ? text
                : throw new PermanentFailureException("The chat model answered with no text.");
        }
        catch (ClientResultException e) when (!OpenAiErrors.IsTransient(e))
        {
            throw new PermanentFailureException($"Chat refused ({e.Status}): {e.Message}", e);
        }
    }
}
