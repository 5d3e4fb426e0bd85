namespace CallCenter.Bench.BridgeLoad;

/// <summary>CPU time and resident memory of a process, from /proc (Linux).</summary>
internal static class ProcStat
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 0, utime is 11, stime is 12.
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>
    /// What the resident memory is made of (<c>RssAnon</c>, <c>RssFile</c>, <c>RssShmem</c> of /proc/&lt;pid&gt;/status, in
    /// MiB): anonymous memory is the process's own (GC heap, JIT-compiled code, native heaps, stacks); file pages are the
    /// runtime's libraries and mapped assemblies; shared memory is the runtime's double-mapped executable memory.
    /// The thread count beside them: each thread holds a stack and, in glibc, may hold a malloc arena.
    /// </summary>
    public static string RssParts(int pid)
    {
        var kib = File.ReadLines($"/proc/{pid}/status")
            .Where(l => l.StartsWith("Rss", StringComparison.Ordinal) || l.StartsWith("Threads:", StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"anon {kib.GetValueOrDefault("RssAnon") / 1024.0:F1}, file {kib.GetValueOrDefault("RssFile") / 1024.0:F1}, shmem {kib.GetValueOrDefault("RssShmem") / 1024.0:F1}, threads {kib.GetValueOrDefault("Threads")}");
    }
}
