namespace CallCenter.Core.Webhooks;

/// <summary>A delivery's retry schedule; fixed in the delivery's input when it starts, so replays agree.</summary>
/// <remarks>Settable, not init-only: core's options are bound by generated code, which fills the existing instance.</remarks>
public sealed record WebhookDeliveryTimings
{
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromHours(2);

    /// <summary>No attempt starts later than this after the first one: the delivery then ends failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): doubling from the first interval, capped.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var delay = FirstRetryInterval * Math.Pow(2, Math.Min(attempt - 1, 30));
        return delay < MaxRetryInterval ? delay : MaxRetryInterval;
    }
}
