namespace CallCenter.Core.Calls;

/// <summary>One priced item of a call's cost: <see cref="Amount"/> = <see cref="Quantity"/> × <see cref="UnitPrice"/>.</summary>
public sealed record CostLine(string Item, decimal Quantity, string Unit, decimal UnitPrice, decimal Amount);
