namespace CallCenter.Core.Tenants;

/// <summary>A number that another tenant already owns.</summary>
public sealed class NumberClaimedException(string number)
    : Exception($"The number {number} belongs to another tenant.")
{
    public string Number { get; } = number;
}
