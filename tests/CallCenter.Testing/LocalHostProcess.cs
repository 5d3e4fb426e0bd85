using System.Diagnostics;
using System.Text;
using CallCenter.DevServices;

namespace CallCenter.Testing;

/// <summary>
/// The run command, <c>CallCenter.Local.dll</c> of this test run's build configuration, as its own process with
/// its output kept for assertions and failure messages. Disposing kills it if it is still running.
/// </summary>
public sealed class LocalHostProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    private LocalHostProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static LocalHostProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AzuriteServer.RepositoryRoot(), "local", "bin", configuration, "net10.0", "CallCenter.Local.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var host = new LocalHostProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        host.Process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host.Process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host.Process.BeginOutputReadLine();
        host.Process.BeginErrorReadLine();
        return host;
    }

    /// <summary>SIGKILL to the whole tree: a crash, or the end of a test whose host must not outlive it.</summary>
    public async Task KillAsync()
    {
        KillIfRunning();
        await Process.WaitForExitAsync();
    }

    public void Dispose()
    {
        KillIfRunning();
        Process.Dispose();
    }

    private void KillIfRunning()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
