using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Tenants;

public sealed class TenantCacheOptions
{
    public const string Section = "TenantCache";

    /// <summary>
    /// How long a tenant, or a number's owner, is served from memory. A save through this process takes effect
    /// at once; one through another instance after at most this long. Zero turns the cache off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(5);
}
