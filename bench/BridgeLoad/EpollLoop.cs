using System.Runtime.InteropServices;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// The generator's receive side: one thread on a level-triggered Linux <c>epoll</c> set, which reads each
/// readable connection once per wake-up. The runtime's <c>Socket.ReceiveAsync</c> tries a receive before it
/// waits (so two <c>recv</c> calls per message on an idle connection) and wakes a task per message; at 500
/// calls that was most of the generator's core, which made the runs invalid rather than the bridge slow.
/// </summary>
internal sealed class EpollLoop
{
    private const int EpollCtlAdd = 1;
    private const int EpollIn = 0x001;
    private const int MaxEvents = 512;

    // struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes).
    private static readonly int Stride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;
    private static readonly Lazy<EpollLoop> Instance = new(() => new EpollLoop());

    private readonly int _epoll;
    private readonly Dictionary<long, RawWebSocket> _connections = [];
    private long _next;

    private EpollLoop()
    {
        _epoll = epoll_create1(0);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        new Thread(Run) { IsBackground = true, Name = "epoll receive" }.Start();
    }

    public static EpollLoop Shared => Instance.Value;

    /// <summary>Watches the connection until it closes; returns its key for <see cref="Remove"/>.</summary>
    public long Add(RawWebSocket connection, int fd)
    {
        long key;
        lock (_connections)
        {
            key = ++_next;
            _connections[key] = connection;
        }

        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        BitConverter.TryWriteBytes(ev, EpollIn);
        BitConverter.TryWriteBytes(ev[DataOffset..], key);
        if (epoll_ctl(_epoll, EpollCtlAdd, fd, ref MemoryMarshal.GetReference(ev)) != 0)
        {
            Remove(key);
            throw new IOException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return key;
    }

    /// <summary>Forgets a connection; the kernel drops its socket from the set when the socket is closed.</summary>
    public void Remove(long key)
    {
        lock (_connections)
        {
            _connections.Remove(key);
        }
    }

    private void Run()
    {
        var events = new byte[MaxEvents * 16];
        while (true)
        {
            var n = epoll_wait(_epoll, ref events[0], MaxEvents, -1);
            for (var i = 0; i < n; i++)
            {
                var key = BitConverter.ToInt64(events, (i * Stride) + DataOffset);
                RawWebSocket? connection;
                lock (_connections)
                {
                    _connections.TryGetValue(key, out connection);
                }

                if (connection is not null && !connection.OnReadable())
                {
                    Remove(key);
                }
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epfd, int op, int fd, ref byte ev);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epfd, ref byte events, int maxevents, int timeout);
}
