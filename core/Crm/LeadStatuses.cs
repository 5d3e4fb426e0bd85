namespace CallCenter.Core.Crm;

public static class LeadStatuses
{
    public const string New = "new";
    public const string Contacted = "contacted";
    public const string Qualified = "qualified";
    public const string Customer = "customer";
    public const string Lost = "lost";

    public static IReadOnlyList<string> All { get; } = [New, Contacted, Qualified, Customer, Lost];
}
