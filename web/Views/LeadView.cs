using CallCenter.Core.Crm;

namespace CallCenter.Web;

/// <summary>A lead as the API shows it.</summary>
public sealed record LeadView(
    string Id, string Phone, string? Name, string Status, string Source, string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static LeadView Of(Lead l) => new(l.Id, l.Phone, l.Name, l.Status, l.Source, l.Notes, l.CreatedAt, l.UpdatedAt);
}
