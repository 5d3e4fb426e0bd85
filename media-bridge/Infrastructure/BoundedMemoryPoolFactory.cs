using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Kestrel's memory pool for the bridge: blocks of Kestrel's own size (4 KiB, so its reads and writes are sized as
/// before) of which at most <paramref name="keptBlocks"/> wait free between uses; a block returned past that is
/// left to the GC. Kestrel's default pool keeps every block of its busiest moment (the ramp-up of calls), pinned,
/// and evicts 1 % of them per 10 s while traffic flows, which the relay's steady rent-and-return of every frame
/// always does; a heap dump at 300 calls found half of the bridge's 4 KiB blocks idle in it (docs/benchmarks.md).
/// The blocks are not pinned: on Linux a socket reads into and writes from managed memory without pinning it,
/// and an unpinned block the GC takes back leaves no hole in the pinned heap.
/// </summary>
internal sealed class BoundedMemoryPoolFactory(int keptBlocks) : IMemoryPoolFactory<byte>
{
    private const int BlockSize = 4096;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new Pool(keptBlocks);

    private sealed class Pool(int keptBlocks) : MemoryPool<byte>
    {
        private readonly ConcurrentQueue<Block> _free = new();
        private int _freeCount;

        public override int MaxBufferSize => BlockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
            if (_free.TryDequeue(out var block))
            {
                Interlocked.Decrement(ref _freeCount);
                return block;
            }

            return new Block(this);
        }

        public void Return(Block block)
        {
            // The count is checked before the enqueue, so racing returns may keep a block or two more: harmless.
            if (Interlocked.Increment(ref _freeCount) <= keptBlocks)
            {
                _free.Enqueue(block);
            }
            else
            {
                Interlocked.Decrement(ref _freeCount);
            }
        }

        protected override void Dispose(bool disposing)
        {
            while (_free.TryDequeue(out _))
            {
            }
        }
    }

    private sealed class Block(Pool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize);

        public void Dispose() => pool.Return(this);
    }
}
