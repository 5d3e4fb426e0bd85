using System.Text.RegularExpressions;

namespace CallCenter.Core.Tenants;

public static partial class TenantIds
{
    /// <summary>Tenant ids are partition keys and blob path segments, so they stay short and plain.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
