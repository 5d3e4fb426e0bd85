using System.ClientModel;
using System.Globalization;
using CallCenter.Core.Faults;
using CallCenter.Core.OpenAi;
using Microsoft.Extensions.Options;
using OpenAI.Chat;

namespace CallCenter.Core.WhatsApp;

/// <summary>
/// Chat Completions with the channel's tools as function tools. A tool round is sent back as the API defines it:
/// the assistant message with its <c>tool_calls</c>, then one <c>tool</c> message per call id with its output.
/// </summary>
public sealed class OpenAiWhatsAppReplyModel(IOptions<OpenAiOptions> options) : IWhatsAppReplyModel
{
    private readonly ChatClient _client = new(options.Value.ChatModel, options.Value.Credential, options.Value.ClientOptions());

    public async Task<WhatsAppModelTurn> ReplyAsync(WhatsAppModelRequest request, CancellationToken ct = default)
    {
        var messages = new List<ChatMessage>
        {
            new SystemChatMessage(request.Instructions.Text),
            // The contact says "tomorrow at 9"; the tool wants a date, time and offset.
            new SystemChatMessage(string.Create(CultureInfo.InvariantCulture, $"The contact's local time now: {request.LocalNow:yyyy-MM-dd'T'HH:mm:sszzz} ({request.LocalNow:dddd}).")),
        };
        foreach (var m in request.History)
        {
            messages.Add(m.Direction == MessageDirection.Inbound ? new UserChatMessage(m.Text) : new AssistantChatMessage(m.Text));
        }

        foreach (var round in request.Rounds)
        {
            messages.Add(new AssistantChatMessage(round.Calls.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Arguments)))));
            for (var i = 0; i < round.Calls.Count; i++)
            {
                messages.Add(new ToolChatMessage(round.Calls[i].Id, round.Outputs[i]));
            }
        }

        var chat = new ChatCompletionOptions();
        foreach (var tool in request.Instructions.Tools)
        {
            chat.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.ParametersJsonSchema)));
        }

        if (chat.Tools.Count > 0 && !request.ToolsAllowed)
        {
            chat.ToolChoice = ChatToolChoice.CreateNoneChoice();
        }

        try
        {
            var completion = (await _client.CompleteChatAsync(messages, chat, ct).ConfigureAwait(false)).Value;
            if (request.ToolsAllowed && completion.ToolCalls.Count > 0)
            {
                return new WhatsAppModelTurn(null, [.. completion.ToolCalls.Select(c => new WhatsAppToolCall(c.Id, c.FunctionName, c.FunctionArguments.ToString()))]);
            }

            return completion.Content.Count > 0 && completion.Content[0].Text is { Length: > 0 } text
                ? new WhatsAppModelTurn(text, [])
                : throw new PermanentFailureException("The chat model answered with no text.");
        }
        catch (ClientResultException e) when (!OpenAiErrors.IsTransient(e))
        {
            throw new PermanentFailureException($"Chat refused ({e.Status}): {e.Message}", e);
        }
    }
}
