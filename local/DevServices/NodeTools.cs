using System.Diagnostics;

namespace CallCenter.DevServices;

/// <summary>Node.js and npm as the local tooling uses them: packages only ever come from a committed lockfile.</summary>
public static class NodeTools
{
    public static string Node() => FindOnPath("node")
        ?? throw new InvalidOperationException("Node.js is required (install Node.js 20 or later and put `node` on PATH).");

    /// <summary>
    /// <c>npm ci</c> in <paramref name="folder"/> unless <paramref name="marker"/> (relative to it) already
    /// exists; returns the marker's full path.
    /// </summary>
    public static async Task<string> InstallAsync(string folder, string marker, CancellationToken ct = default)
    {
        var path = Path.Combine(folder, marker);
        if (File.Exists(path))
        {
            return path;
        }

        // Several test processes may start at once: one installs, the others wait on the lock.
        await using var gate = await LockAsync(Path.Combine(folder, ".install.lock"), ct).ConfigureAwait(false);
        if (!File.Exists(path))
        {
            var npm = FindOnPath("npm") ?? throw new InvalidOperationException("npm is required (it comes with Node.js 20 or later).");
            await RunAsync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, ct).ConfigureAwait(false);
        }

        return File.Exists(path) ? path : throw new InvalidOperationException($"npm ci finished but {path} is missing.");
    }

    public static string? FindOnPath(string name)
    {
        var names = OperatingSystem.IsWindows() ? new[] { name + ".exe", name + ".cmd" } : [name];
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            foreach (var candidate in names)
            {
                var path = Path.Combine(dir, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    /// <summary>Runs a program to its end; a non-zero exit throws with everything it printed.</summary>
    public static async Task RunAsync(string file, IEnumerable<string> args, string workingDirectory, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{Path.GetFileName(file)} {string.Join(' ', start.ArgumentList)}` in {workingDirectory} failed ({process.ExitCode}):\n{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
    }

    /// <summary>An exclusive lock between processes: a file opened without sharing, removed on close.</summary>
    public static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
    }
}
