using System.Text;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Prompts;

/// <summary>
/// The one prompt builder. Per build: one point read of the channel's current-version pointer (so an update
/// is seen by the very next call or message), then the version from <see cref="PromptCache"/>, then a pure
/// composition of tenant prompt + channel rules + business facts + lead context + language + tools.
/// </summary>
public sealed class PromptBuilder(PromptStore store, PromptCache cache) : IPromptBuilder
{
    public async Task<AgentInstructions> BuildAsync(Tenant tenant, PromptChannel channel, Lead? lead, CancellationToken ct = default)
    {
        var pointer = await store.GetPointerAsync(tenant.Id, channel, ct).ConfigureAwait(false);
        var version = pointer?.Current ?? 0;
        var prompt = version == 0
            ? null
            : await cache.GetOrLoadAsync(tenant.Id, channel, version, () => store.GetVersionAsync(tenant.Id, channel, version, ct))
                .ConfigureAwait(false);
        var tools = AgentTools.For(channel);
        return new AgentInstructions(Compose(tenant, channel, prompt, lead, tools), prompt?.Version ?? 0, tools, tenant.Language, tenant.Voice);
    }

    /// <summary>Pure: the same inputs give the same text, whichever channel's caller asks.</summary>
    internal static string Compose(Tenant tenant, PromptChannel channel, PromptVersion? prompt, Lead? lead, IReadOnlyList<AgentTool> tools)
    {
        var text = new StringBuilder();
        text.Append("# Role\n")
            .Append(prompt?.Instructions is { Length: > 0 } own
                ? own
                : $"You are the assistant of {tenant.Name}. Help the contact, answer their questions and note what they need.")
            .Append("\n\n# Channel\n").Append(ChannelRules(channel));

        if (prompt?.BusinessFacts is { Length: > 0 } facts)
        {
            text.Append("\n\n# Business facts\n").Append(facts);
        }

        text.Append("\n\n# Contact\n");
        if (lead is null)
        {
            text.Append("A new contact: nothing is known about them yet.");
        }
        else
        {
            text.Append("Phone: ").Append(lead.Phone)
                .Append("\nName: ").Append(lead.Name ?? "unknown")
                .Append("\nStatus: ").Append(lead.Status);
            if (lead.Notes is { Length: > 0 } notes)
            {
                text.Append("\nNotes: ").Append(notes);
            }
        }

        text.Append("\n\n# Language\nSpeak ").Append(tenant.Language)
            .Append(" unless the contact uses another language; then answer in theirs. Times are in ").Append(tenant.TimeZone).Append('.');

        text.Append("\n\n# Tools\n");
        foreach (var tool in tools)
        {
            text.Append("- ").Append(tool.Name).Append(": ").Append(tool.Description).Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    private static string ChannelRules(PromptChannel channel) => channel switch
    {
        PromptChannel.VoiceInbound =>
            "You are answering a phone call the contact made. Speak briefly and naturally, one question at a time; never read out lists or links.",
        PromptChannel.VoiceOutbound =>
            "You are calling the contact on behalf of the business. Say who you are and why you call in the first sentence; if it is a bad time, offer to call back.",
        PromptChannel.WhatsApp =>
            "You are answering WhatsApp messages. Write short messages of plain text (no markdown), at most a few sentences each. "
            + "When the contact asks to be called (back), call schedule_callback with the date and time they want, with its offset; "
            + "ask for a time if they gave none, and tell them the time it was scheduled for, or why it could not be.",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };
}
