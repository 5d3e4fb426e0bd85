using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>Something that sends one 20 ms frame when its turn comes.</summary>
internal interface IFrameSource
{
    void SendFrame();
}

/// <summary>
/// The generator's one clock: a dedicated thread walks 20 slots of 1 ms and sends the frame of every source
/// in the current slot, so each stream sends every 20 ms on an absolute schedule (a late tick catches up
/// rather than lowering the rate). Streams are spread over the slots, as independent phone calls are: their
/// 20 ms phases are not aligned with each other.
/// </summary>
internal sealed class FrameClock : IDisposable
{
    public const int Slots = 20;

    private readonly object _gate = new();
    private readonly IFrameSource[][] _slots = Enumerable.Range(0, Slots).Select(_ => Array.Empty<IFrameSource>()).ToArray();
    private readonly Thread _thread;
    private volatile bool _stopped;

    public FrameClock()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "frame clock" };
        _thread.Start();
    }

    public void Add(IFrameSource source, int slot)
    {
        lock (_gate)
        {
            var i = slot % Slots;
            Volatile.Write(ref _slots[i], [.. _slots[i], source]);
        }
    }

    public void Remove(IFrameSource source)
    {
        lock (_gate)
        {
            for (var i = 0; i < Slots; i++)
            {
                Volatile.Write(ref _slots[i], _slots[i].Where(s => !ReferenceEquals(s, source)).ToArray());
            }
        }
    }

    private void Run()
    {
        var slotTicks = Stopwatch.Frequency / 1000;
        var due = Stopwatch.GetTimestamp();
        for (var k = 0L; !_stopped; k++)
        {
            due += slotTicks;
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                Thread.Sleep(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }

            foreach (var source in Volatile.Read(ref _slots[k % Slots]))
            {
                source.SendFrame();
            }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}

/// <summary>
/// Benchmark frames: 160 bytes of μ-law silence whose first 16 bytes carry the send time (Stopwatch ticks),
/// the stream's number and the frame's sequence number. The bridge copies payloads verbatim, so the far side
/// reads them back from the first 24 base64 characters.
/// </summary>
internal static class Stamp
{
    public const int FrameBytes = 160;
    public const int StampChars = 24; // base64 of the first 18 bytes

    public static readonly byte[] SilenceBase64 = EncodeSilence();

    public static int Base64Length => SilenceBase64.Length;

    /// <summary>Writes the whole base64 payload with a fresh stamp at <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, int stream, int seq)
    {
        SilenceBase64.CopyTo(destination);
        Span<byte> head = stackalloc byte[18];
        head.Fill(0xFF);
        BinaryPrimitives.WriteInt32LittleEndian(head[8..], stream);
        BinaryPrimitives.WriteInt32LittleEndian(head[12..], seq);
        BinaryPrimitives.WriteInt64LittleEndian(head, Stopwatch.GetTimestamp());
        Base64.EncodeToUtf8(head, destination, out _, out _);
    }

    public static bool TryRead(ReadOnlySpan<byte> base64, out long sentTicks, out int stream, out int seq)
    {
        Span<byte> head = stackalloc byte[18];
        if (base64.Length < StampChars
            || Base64.DecodeFromUtf8(base64[..StampChars], head, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            sentTicks = 0;
            stream = seq = 0;
            return false;
        }

        sentTicks = BinaryPrimitives.ReadInt64LittleEndian(head);
        stream = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        seq = BinaryPrimitives.ReadInt32LittleEndian(head[12..]);
        return true;
    }

    private static byte[] EncodeSilence()
    {
        var frame = new byte[FrameBytes];
        Array.Fill(frame, (byte)0xFF);
        var base64 = new byte[Base64.GetMaxEncodedToUtf8Length(FrameBytes)];
        Base64.EncodeToUtf8(frame, base64, out _, out var written);
        return base64[..written];
    }
}
