namespace CallCenter.Core.Prompts;

/// <summary>The channel names used in routes and row keys.</summary>
public static class PromptChannels
{
    public static string ToWire(this PromptChannel channel) => channel switch
    {
        PromptChannel.VoiceInbound => "voice-inbound",
        PromptChannel.VoiceOutbound => "voice-outbound",
        PromptChannel.WhatsApp => "whatsapp",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static bool TryParse(string? wire, out PromptChannel channel)
    {
        foreach (var c in Enum.GetValues<PromptChannel>())
        {
            if (string.Equals(c.ToWire(), wire, StringComparison.Ordinal))
            {
                channel = c;
                return true;
            }
        }

        channel = default;
        return false;
    }
}
