namespace CallCenter.Bench.BridgeLoad;

/// <summary>Lock-free latency histogram: 10 µs buckets up to 200 ms, plus the exact maximum.</summary>
internal sealed class Histogram
{
    private const int BucketMicros = 10;
    private readonly long[] _buckets = new long[20_000];
    private long _count;
    private long _maxMicros;

    public long Count => Interlocked.Read(ref _count);

    public void Record(double micros)
    {
        var m = (long)Math.Max(0, micros);
        Interlocked.Increment(ref _buckets[Math.Min(_buckets.Length - 1, m / BucketMicros)]);
        Interlocked.Increment(ref _count);
        long seen;
        while (m > (seen = Interlocked.Read(ref _maxMicros)) && Interlocked.CompareExchange(ref _maxMicros, m, seen) != seen)
        {
        }
    }

    public double PercentileMs(double p)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(total * p);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return (i + 1) * BucketMicros / 1000.0;
            }
        }

        return MaxMs;
    }

    public double MaxMs => Interlocked.Read(ref _maxMicros) / 1000.0;
}
