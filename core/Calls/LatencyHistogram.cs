namespace CallCenter.Core.Calls;

/// <summary>
/// Fixed latency buckets for a day's percentile: 50 ms wide up to 2 s, 250 ms wide up to 10 s, then one open
/// bucket. A day row keeps the counts (a few hundred bytes) and a percentile is the upper bound of the bucket
/// it falls in, so days add up exactly and no call's turns are kept twice.
/// </summary>
public static class LatencyHistogram
{
    public const int Buckets = 40 + 32 + 1;

    public static int BucketOf(int ms) => ms switch
    {
        < 0 => 0,
        < 2000 => ms / 50,
        < 10_000 => 40 + ((ms - 2000) / 250),
        _ => Buckets - 1,
    };

    /// <summary>The upper bound of a bucket in ms; the open bucket reports 10 s.</summary>
    public static int UpperBound(int bucket) => bucket switch
    {
        < 40 => (bucket + 1) * 50,
        < Buckets - 1 => 2000 + ((bucket - 39) * 250),
        _ => 10_000,
    };

    /// <summary>Nearest-rank percentile over the counts; null when they hold no sample.</summary>
    public static int? Percentile(IReadOnlyList<int> counts, int p)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(p / 100.0 * total);
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(counts.Count - 1);
    }

    public static byte[] ToBytes(int[] counts)
    {
        var bytes = new byte[counts.Length * sizeof(int)];
        Buffer.BlockCopy(counts, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    public static int[] FromBytes(byte[]? bytes)
    {
        var counts = new int[Buckets];
        if (bytes is not null)
        {
            Buffer.BlockCopy(bytes, 0, counts, 0, Math.Min(bytes.Length, counts.Length * sizeof(int)));
        }

        return counts;
    }
}
