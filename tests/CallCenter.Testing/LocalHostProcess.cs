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

    /// <summary>
    /// Starts the run command. With <paramref name="ownProcessGroup"/> it leads a process group of its own, as a
    /// terminal's foreground job does, so <see cref="InterruptGroupAsync"/> can signal it and all it started;
    /// SIGINT is reset to its default there, whatever this test process inherited.
    /// </summary>
    public static LocalHostProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, bool ownProcessGroup = false)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var start = new ProcessStartInfo(ownProcessGroup ? "perl" : "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (ownProcessGroup)
        {
            // perl is part of every Debian system; it execs dotnet in place, so the group's id is this process id.
            foreach (var arg in new[] { "-MPOSIX", "-e", "$SIG{INT} = 'DEFAULT'; POSIX::setsid() or die \"setsid: $!\"; exec @ARGV or die \"exec: $!\";", "dotnet" })
            {
                start.ArgumentList.Add(arg);
            }
        }

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

    /// <summary>What Ctrl+C in a terminal does: SIGINT to every process of the foreground group.</summary>
    public async Task InterruptGroupAsync()
    {
        // procps' kill reads "-INT -123" as two signals; "--" makes -123 the group.
        using var kill = Process.Start("kill", ["-s", "INT", "--", "-" + Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Live (not zombie) processes in this process's group, itself included while it runs.</summary>
    public IReadOnlyList<string> GroupMembers()
    {
        var members = new List<string>();
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && fields[2] == Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                members.Add(text[..(text.LastIndexOf(')') + 1)]);
            }
        }

        return members;
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
