using CallCenter.DevServices;

namespace CallCenter.Local.Tests;

/// <summary>
/// The ports the local tooling gives its listeners (Azurite's three services, the host, its gRPC sidecar, the bridge):
/// a port the system handed out once and got back can come round again, and two listeners on one port fail at start.
/// </summary>
public sealed class FreePortTests
{
    [Fact]
    public void A_process_is_never_handed_the_same_free_port_twice()
    {
        // Drawn at random from ~28,000 ephemeral ports, 2,000 draws repeat one almost surely (the birthday bound).
        var ports = Enumerable.Range(0, 2_000).Select(_ => AzuriteServer.FreePort()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 1, 65_535));
    }
}
