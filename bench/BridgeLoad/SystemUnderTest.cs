using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// The process the load runs through, pinned to its own core: the media bridge or the C floor relay. Both get
/// the same callers and the same OpenAI side; what the generator may expect of each (a stream token that is
/// checked, a health probe, counters of its own, a JIT to wait for) is stated here per system, so that what the
/// floor does not do never loosens a check on the bridge.
/// </summary>
internal abstract class SystemUnderTest(string name, Uri mediaUrl, Process process) : IAsyncDisposable
{
    /// <summary><c>bridge</c> or <c>floor</c>, as the figures name it.</summary>
    public string Name => name;

    /// <summary>Where callers open their media stream.</summary>
    public Uri MediaUrl => mediaUrl;

    /// <summary>The process to account CPU and memory to (<c>taskset</c> execs, so its pid is the system's).</summary>
    public int Pid => process.Id;

    /// <summary>Whether it compiles code while it runs: the window then opens once its JIT is quiet.</summary>
    public abstract bool Jitted { get; }

    /// <summary>The <c>x-twilio-signature</c> of the callers' upgrade.</summary>
    public abstract string Signature { get; }

    /// <summary>The stream token the caller's <c>start</c> carries.</summary>
    public abstract string StreamToken(string callSid);

    /// <summary>Completes once the system takes calls.</summary>
    public abstract Task WaitReadyAsync();

    /// <summary>The calls it holds open now.</summary>
    public abstract Task<long> OpenCallsAsync();

    /// <summary>Its own counters (the bridge's <c>/metrics</c>), or null when it keeps none.</summary>
    public abstract Task<BridgeMetricsSnapshot?> MetricsAsync();

    /// <summary>Waits (bounded) until every call is let go; returns what was left, for the figures.</summary>
    public abstract Task<string> SettledAsync();

    /// <summary>Starts <paramref name="file"/> pinned to <paramref name="core"/>; its standard error is echoed.</summary>
    protected static Process StartPinned(
        string name, string core, string file, IEnumerable<string> arguments,
        IEnumerable<KeyValuePair<string, string>> environment, Action<string> onOutput, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("taskset", ["-c", core, file, .. arguments])
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { onOutput(line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) { Console.Error.WriteLine(name + ": " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Throws when the process ended before it was ready.</summary>
    protected void ThrowIfExited()
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"the {name} exited with code {process.ExitCode} before it took calls");
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
