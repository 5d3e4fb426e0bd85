namespace CallCenter.Core.WhatsApp;

public enum MessageDirection
{
    Inbound,
    Outbound,
}
