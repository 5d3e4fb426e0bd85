namespace CallCenter.Core.Webhooks;

/// <summary>The events a tenant's endpoint can subscribe to.</summary>
public static class WebhookEventTypes
{
    public const string CallCompleted = "call.completed";
    public const string CallTransferred = "call.transferred";
    public const string CallVoicemail = "call.voicemail";

    public static IReadOnlyList<string> All { get; } = [CallCompleted, CallTransferred, CallVoicemail];
}
