namespace CallCenter.Core.Callbacks;

/// <summary>Who asked for a callback: the voice agent during a call, the WhatsApp agent, or the CRM API.</summary>
public static class CallbackSources
{
    public const string Call = "call";
    public const string WhatsApp = "whatsapp";
    public const string Api = "api";
}
