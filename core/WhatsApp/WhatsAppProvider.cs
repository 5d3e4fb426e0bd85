namespace CallCenter.Core.WhatsApp;

public enum WhatsAppProvider
{
    Meta,
    Twilio,
}
