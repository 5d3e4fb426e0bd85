using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Webhooks;

/// <summary>
/// Which endpoint URLs a tenant may register: absolute https (http only to loopback where the host allows it),
/// no credentials, a host name rather than an IP literal (loopback literals where allowed), and a name that
/// resolves to public addresses only. Delivery checks the addresses again as it connects, since DNS can change.
/// </summary>
public sealed class WebhookUrlPolicy(IOptions<WebhookOptions> options)
{
    public const int MaxUrlLength = 2048;

    private bool AllowLoopback => options.Value.AllowLoopback;

    /// <summary>The URL, or why it is refused.</summary>
    public async Task<(Uri? Url, string? Refusal)> CheckAsync(string? raw, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > MaxUrlLength || !Uri.TryCreate(raw, UriKind.Absolute, out var url))
        {
            return (null, $"url must be an absolute URL of at most {MaxUrlLength} characters");
        }

        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            return (null, "url must be https");
        }

        if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            return (null, "url must not carry credentials or a fragment");
        }

        var loopback = url.IsLoopback;
        if (loopback && !AllowLoopback)
        {
            return (null, "url must not point at this machine (loopback)");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !loopback)
        {
            return (null, "url must be https");
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && !loopback)
        {
            return (null, "url must name a host, not an IP address");
        }

        var addresses = await ResolveAsync(url.DnsSafeHost, ct);
        if (addresses.Length == 0)
        {
            return (null, $"url's host {url.Host} does not resolve");
        }

        return addresses.All(a => WebhookAddresses.IsAllowed(a, AllowLoopback))
            ? (url, null)
            : (null, $"url's host {url.Host} resolves to a private, loopback or link-local address");
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            return await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
