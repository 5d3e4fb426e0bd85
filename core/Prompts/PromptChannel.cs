namespace CallCenter.Core.Prompts;

/// <summary>The conversations an agent prompt is written for.</summary>
public enum PromptChannel
{
    VoiceInbound,
    VoiceOutbound,
    WhatsApp,
}
