using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Webhooks;

/// <summary>Which IP addresses a webhook may be sent to: public unicast only, so no request reaches into our network.</summary>
public static class WebhookAddresses
{
    // IPv4 ranges that are not the public internet: this network, private (RFC 1918), CGNAT (RFC 6598),
    // loopback, link-local (the cloud metadata endpoint among them), IETF protocol assignments, benchmarking,
    // documentation, multicast and reserved.
    private static readonly (uint Network, int Bits)[] BlockedV4 =
    [
        (Ip(0, 0, 0, 0), 8), (Ip(10, 0, 0, 0), 8), (Ip(100, 64, 0, 0), 10), (Ip(127, 0, 0, 0), 8),
        (Ip(169, 254, 0, 0), 16), (Ip(172, 16, 0, 0), 12), (Ip(192, 0, 0, 0), 24), (Ip(192, 0, 2, 0), 24),
        (Ip(192, 168, 0, 0), 16), (Ip(198, 18, 0, 0), 15), (Ip(198, 51, 100, 0), 24), (Ip(203, 0, 113, 0), 24),
        (Ip(224, 0, 0, 0), 4), (Ip(240, 0, 0, 0), 4),
    ];

    /// <summary>True for a public unicast address; loopback too when <paramref name="allowLoopback"/>.</summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            return !BlockedV4.Any(r => (value & Mask(r.Bits)) == r.Network);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        var isUnspecified = address.Equals(IPAddress.IPv6None);
        var uniqueLocal = (b[0] & 0xFE) == 0xFC;
        var linkLocal = b[0] == 0xFE && (b[1] & 0xC0) == 0x80;
        var siteLocal = b[0] == 0xFE && (b[1] & 0xC0) == 0xC0;
        var multicast = b[0] == 0xFF;
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that may be private: refused whole.
        var nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B;
        var sixToFour = b[0] == 0x20 && b[1] == 0x02;
        var documentation = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8;
        return !(isUnspecified || uniqueLocal || linkLocal || siteLocal || multicast || nat64 || sixToFour || documentation);
    }

    private static uint Ip(byte a, byte b, byte c, byte d) => (uint)(a << 24 | b << 16 | c << 8 | d);

    private static uint Mask(int bits) => bits == 0 ? 0 : uint.MaxValue << (32 - bits);
}
