namespace CallCenter.Core.Calls;

/// <summary>
/// A call's one transfer to a human: written by the media bridge before it redirects the call (outcome
/// <see cref="TransferOutcomes.Pending"/>), and its outcome once by the Dial action webhook.
/// </summary>
public sealed record CallTransfer(string Target, string Reason, string Summary, DateTimeOffset RequestedAt, string Outcome, DateTimeOffset? EndedAt)
{
    public bool IsPending => Outcome == TransferOutcomes.Pending;

    /// <summary>The human never took the call: the caller is back with the agent and offered a callback.</summary>
    public bool WentUnanswered => Outcome is TransferOutcomes.Busy or TransferOutcomes.NoAnswer or TransferOutcomes.Failed;
}
