using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.Callbacks;

/// <summary>
/// A callback's id, derived from (tenant, lead, due time to the second): the same request repeated (a retried
/// POST, a tool call run twice) names the same callback, so it is stored and dialled once.
/// </summary>
public static class CallbackIds
{
    private const string Prefix = "CB";

    public static string Of(string tenantId, string leadId, DateTimeOffset dueAt)
    {
        var due = dueAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId}\n{leadId}\n{due}"));
        return Prefix + Convert.ToHexStringLower(digest)[..32];
    }

    public static bool IsCallbackId(string? id) =>
        id is { Length: 34 } && id.StartsWith(Prefix, StringComparison.Ordinal) && !id.AsSpan(2).ContainsAnyExcept("0123456789abcdef");
}
