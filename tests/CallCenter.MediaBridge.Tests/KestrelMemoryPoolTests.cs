using System.Buffers;
using CallCenter.MediaBridge.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The memory pool the bridge gives Kestrel: Kestrel's block size, and no more free blocks kept than its bound.</summary>
public sealed class KestrelMemoryPoolTests
{
    [Fact]
    public void Blocks_are_kestrels_4_KiB_and_a_larger_request_is_refused()
    {
        using var pool = new BoundedMemoryPoolFactory(keptBlocks: 4).Create();

        Assert.Equal(4096, pool.MaxBufferSize);
        using (var block = pool.Rent())
        {
            Assert.Equal(4096, block.Memory.Length);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(4097));
    }

    [Fact]
    public void After_a_burst_the_pool_keeps_only_its_bound_of_free_blocks_and_reuses_them()
    {
        using var pool = new BoundedMemoryPoolFactory(keptBlocks: 8).Create();

        // A ramp-up: 40 blocks in use at once, then all returned.
        var burst = Enumerable.Range(0, 40).Select(_ => pool.Rent()).ToList();
        var burstArrays = burst.Select(Array).ToHashSet(ReferenceEqualityComparer.Instance);
        burst.ForEach(b => b.Dispose());

        // The next 40 rents find 8 of those blocks; the other 32 were let go and are new.
        var again = Enumerable.Range(0, 40).Select(_ => pool.Rent()).ToList();
        Assert.Equal(8, again.Count(b => burstArrays.Contains(Array(b))));
        again.ForEach(b => b.Dispose());
    }

    [Fact]
    public void A_block_rented_and_returned_frame_after_frame_is_the_same_block()
    {
        using var pool = new BoundedMemoryPoolFactory(keptBlocks: 8).Create();
        var first = pool.Rent();
        var array = Array(first);
        first.Dispose();

        for (var frame = 0; frame < 1000; frame++)
        {
            using var block = pool.Rent();
            Assert.Same(array, Array(block));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("true")]
    public void The_bridge_host_gives_kestrel_the_bounded_pool(string? setting)
    {
        Assert.IsType<BoundedMemoryPoolFactory>(PoolFactoryOfHost(setting));
    }

    [Fact]
    public void Switched_off_the_bridge_host_leaves_kestrel_its_own_pool()
    {
        Assert.IsNotType<BoundedMemoryPoolFactory>(PoolFactoryOfHost("false"));
    }

    private static IMemoryPoolFactory<byte> PoolFactoryOfHost(string? boundedMemoryPool)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MediaBridge:BoundedMemoryPool"] = boundedMemoryPool });
        builder.AddMediaBridgeHost();
        using var app = builder.Build();
        return app.Services.GetRequiredService<IMemoryPoolFactory<byte>>();
    }

    private static byte[] Array(IMemoryOwner<byte> block) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
