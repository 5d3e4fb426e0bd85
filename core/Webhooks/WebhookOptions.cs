namespace CallCenter.Core.Webhooks;

/// <summary>Tenants' post-call webhooks: which URLs may be called, how long a request may take, how long delivery goes on.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Lets endpoints on this machine (loopback, plain http) through: set by the local host for its stand-ins and
    /// tests, never in Azure, where only https to public addresses is called.
    /// </summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Bound on one delivery request, connect to last header.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the secret before a rotation still signs (a second <c>v1=</c>), so receivers can switch without losing events.</summary>
    public TimeSpan SecretGracePeriod { get; set; } = TimeSpan.FromHours(24);

    public WebhookDeliveryTimings Timings { get; set; } = new();
}
