namespace CallCenter.Core.Crm;

/// <summary>A CRM contact: one per tenant and phone number.</summary>
public sealed record Lead
{
    public required string TenantId { get; init; }
    public required string Id { get; init; }
    public required string Phone { get; init; }
    public string? Name { get; init; }
    public string Status { get; init; } = LeadStatuses.New;
    public string Source { get; init; } = LeadSources.InboundCall;
    public string? Notes { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class LeadStatuses
{
    public const string New = "new";
    public const string Contacted = "contacted";
    public const string Qualified = "qualified";
    public const string Customer = "customer";
    public const string Lost = "lost";

    public static IReadOnlyList<string> All { get; } = [New, Contacted, Qualified, Customer, Lost];
}

public static class LeadSources
{
    public const string InboundCall = "inbound-call";
    public const string OutboundCall = "outbound-call";
    public const string WhatsApp = "whatsapp";
    public const string Api = "api";
}
