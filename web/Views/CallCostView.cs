using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>A call's cost, with the version of the price table that priced it.</summary>
public sealed record CallCostView(string Currency, decimal Total, string PriceTable, IReadOnlyList<CostLineView> Lines)
{
    public static CallCostView? Of(CallCost? c) =>
        c is null ? null : new(c.Currency, c.Total, c.PriceTable, [.. c.Lines.Select(CostLineView.Of)]);
}
