namespace CallCenter.Core.Calls;

/// <summary>
/// A call's cost as priced when its workflow ended, with the price table's version: a later table leaves it as it was.
/// </summary>
public sealed record CallCost(string Currency, decimal Total, string PriceTable, IReadOnlyList<CostLine> Lines);
