using System.Diagnostics;

namespace CallCenter.Bench;

/// <summary>
/// CPU time of the runtime's tiered-compilation thread (<c>.NET Tiered Com…</c>): the JIT re-compiling hot code,
/// a one-off cost of a fresh process. The runtime ends that thread when it is idle and starts a new one, so
/// the meter adds up each thread's growth from its schedstat (nanoseconds on CPU) rather than their sum.
/// </summary>
internal sealed class JitMeter(int pid)
{
    private readonly Dictionary<string, long> _seen = [];
    private long _totalNs;

    public double Seconds()
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal))
                {
                    continue;
                }

                var ns = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                _totalNs += ns - _seen.GetValueOrDefault(task);
                _seen[task] = ns;
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return _totalNs / 1e9;
    }

    /// <summary>
    /// Waits until the JIT has used at most <paramref name="noiseSeconds"/> of CPU in each 250 ms for
    /// <paramref name="quietFor"/>, or until <paramref name="atMost"/>; returns how long it waited.
    /// </summary>
    public async Task<TimeSpan> WaitQuietAsync(TimeSpan quietFor, TimeSpan atMost, double noiseSeconds)
    {
        var waited = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        for (var last = Seconds(); quiet.Elapsed < quietFor && waited.Elapsed < atMost;)
        {
            await Task.Delay(250);
            var now = Seconds();
            if (now - last > noiseSeconds)
            {
                quiet.Restart();
            }

            last = now;
        }

        return waited.Elapsed;
    }
}
