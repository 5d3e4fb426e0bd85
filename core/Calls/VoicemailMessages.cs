using System.Text.RegularExpressions;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Calls;

/// <summary>
/// The tenant's voicemail template with the lead's fields filled in: <c>{name}</c>, <c>{phone}</c>,
/// <c>{status}</c>, <c>{notes}</c> and <c>{company}</c> (the tenant's name). A field the lead lacks is left
/// out, with the space or comma around it, so "Hi {name}, this is…" reads "Hi, this is…". Unknown braces stay as written.
/// </summary>
public static partial class VoicemailMessages
{
    /// <summary>The message to leave, or null when the tenant has none (the call then ends at once).</summary>
    public static string? Fill(Tenant tenant, Lead? lead)
    {
        if (string.IsNullOrWhiteSpace(tenant.VoicemailMessage))
        {
            return null;
        }

        var text = Field().Replace(tenant.VoicemailMessage, m => m.Groups[1].Value.ToLowerInvariant() switch
        {
            "name" => lead?.Name ?? "",
            "phone" => lead?.Phone ?? "",
            "status" => lead?.Status ?? "",
            "notes" => lead?.Notes ?? "",
            "company" => tenant.Name,
            _ => m.Value,
        });
        text = SpaceBeforePunctuation().Replace(Spaces().Replace(text, " "), "$1");
        return text.Trim();
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Field();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@" ([,.!?;:])")]
    private static partial Regex SpaceBeforePunctuation();
}
