using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using CallCenter.DevServices;

namespace CallCenter.Local.Tests;

/// <summary>
/// The ports of the local tooling's listeners (Azurite's three services, the host, its gRPC sidecar, the bridge). A
/// port the system handed out once and got back can come round again, to this process or another, and two listeners
/// on one port fail at start: Azurite binds ports it picks itself and says which, and this process never hands out a
/// port twice.
/// </summary>
public sealed class LocalPortsTests
{
    [Fact]
    public void A_process_is_never_handed_the_same_free_port_twice()
    {
        // Drawn from ~28,000 ephemeral ports, 2,000 draws repeat one almost surely (the birthday bound; 119 repeats here
        // when each port was simply let go).
        var ports = Enumerable.Range(0, 2_000).Select(_ => AzuriteServer.FreePort()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 1, 65_535));
    }

    [Fact]
    public async Task Azurites_started_together_each_serve_on_ports_of_their_own()
    {
        var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AzuriteServer.StartInMemoryAsync()));
        try
        {
            var ports = started.SelectMany(a => new[] { a.BlobPort, a.QueuePort, a.TablePort }).ToList();
            Assert.Equal(9, ports.Distinct().Count());
            foreach (var azurite in started)
            {
                var table = new TableClient(azurite.ConnectionString, "ports");
                await table.CreateIfNotExistsAsync();
                await table.AddEntityAsync(new TableEntity("p", "r"));
                Assert.Single(table.Query<TableEntity>());
            }
        }
        finally
        {
            foreach (var azurite in started)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Azurite_on_a_port_another_listener_holds_fails_at_start_with_what_it_said()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteServer.StartAsync(ports: (taken, AzuriteServer.FreePort(), AzuriteServer.FreePort())));

        Assert.Contains("EADDRINUSE", failed.Message, StringComparison.Ordinal);
    }
}
