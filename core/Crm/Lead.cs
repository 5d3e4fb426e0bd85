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
