using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>A call's transfer to a human: outcome <c>pending</c>, <c>answered</c>, <c>busy</c>, <c>no-answer</c>, <c>failed</c> (or <c>canceled</c>: the caller hung up while it rang).</summary>
public sealed record TransferView(string Target, string Reason, string Summary, DateTimeOffset RequestedAt, string Outcome, DateTimeOffset? EndedAt)
{
    public static TransferView? Of(CallTransfer? transfer) =>
        transfer is null ? null : new(transfer.Target, transfer.Reason, transfer.Summary, transfer.RequestedAt, transfer.Outcome, transfer.EndedAt);
}
