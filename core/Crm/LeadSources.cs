namespace CallCenter.Core.Crm;

public static class LeadSources
{
    public const string InboundCall = "inbound-call";
    public const string OutboundCall = "outbound-call";
    public const string WhatsApp = "whatsapp";
    public const string Api = "api";
}
