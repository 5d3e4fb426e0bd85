using System.Diagnostics;
using System.Globalization;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>CPU seconds of the system under test, Azurite and this process, and busy seconds of each core, at one instant.</summary>
internal sealed record Sample(DateTime At, double Host, double Azurite, double Self, double[] CoreBusy)
{
    public double Wall { get; init; }

    public static Sample Take(int hostPid, int azuritePid) =>
        new(DateTime.UtcNow, CpuSeconds(hostPid), CpuSeconds(azuritePid), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, CoreBusySeconds());

    public static Sample operator -(Sample a, Sample b) =>
        new(a.At, a.Host - b.Host, a.Azurite - b.Azurite, a.Self - b.Self, a.CoreBusy.Zip(b.CoreBusy, (x, y) => x - y).ToArray())
        {
            Wall = (a.At - b.At).TotalSeconds,
        };

    public static Sample operator +(Sample a, Sample b) =>
        new(a.At > b.At ? a.At : b.At, a.Host + b.Host, a.Azurite + b.Azurite, a.Self + b.Self, a.CoreBusy.Zip(b.CoreBusy, (x, y) => x + y).ToArray())
        {
            Wall = a.Wall + b.Wall,
        };

    /// <summary>Share of one core over the span (a difference of two samples).</summary>
    public double Core(int core) => core < CoreBusy.Length ? CoreBusy[core] / Wall : double.NaN;

    // utime + stime of a process, from /proc/<pid>/stat (clock ticks of 10 ms).
    private static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    // Per core, everything but idle and iowait, from the cpuN lines of /proc/stat.
    private static double[] CoreBusySeconds() =>
        File.ReadLines("/proc/stat")
            .Where(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]))
            .Select(l =>
            {
                var v = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                return (v.Take(8).Sum() - v[3] - v[4]) / 100.0;
            })
            .ToArray();
}
