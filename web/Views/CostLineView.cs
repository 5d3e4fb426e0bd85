using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>One priced item of a call: amount = quantity × unit price.</summary>
public sealed record CostLineView(string Item, decimal Quantity, string Unit, decimal UnitPrice, decimal Amount)
{
    public static CostLineView Of(CostLine l) => new(l.Item, l.Quantity, l.Unit, l.UnitPrice, l.Amount);
}
