using System.Text.RegularExpressions;

namespace CallCenter.Core.Tenants;

public static partial class PhoneNumbers
{
    public static bool IsE164(string? number) => number is not null && E164().IsMatch(number);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
