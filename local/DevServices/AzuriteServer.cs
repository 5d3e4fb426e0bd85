using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CallCenter.DevServices;

/// <summary>
/// Azurite, installed from the repository's own npm lockfile (<c>local/azurite</c>) when missing and run on
/// loopback ports of its own. Tests start one per run in a temporary folder; the local host keeps its data.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    // Azurite's well-known development key: public, and accepted by Azurite only.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string? _ownedFolder;

    private AzuriteServer(Process process, int blobPort, int queuePort, int tablePort, string? ownedFolder)
    {
        _process = process;
        _ownedFolder = ownedFolder;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>The Node.js process serving Azurite (for pinning and CPU accounting in benchmarks).</summary>
    public int ProcessId => _process.Id;

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>
    /// Starts Azurite with its data in <paramref name="dataFolder"/>, or in a temporary folder removed on
    /// dispose when none is given. Unless ports are given, Azurite binds ports the system picks and says which: no
    /// port is chosen here and let go first, which another process could take before Azurite binds it.
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(
        string? dataFolder = null, (int Blob, int Queue, int Table)? ports = null, CancellationToken ct = default)
    {
        var owned = dataFolder is null ? Directory.CreateTempSubdirectory("callcenter-azurite-").FullName : null;
        var folder = dataFolder ?? owned!;
        Directory.CreateDirectory(folder);
        return await LaunchAsync(["--location", folder], owned, ports, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts Azurite with all its data in memory (<c>--inMemoryPersistence</c>), for benchmarks: there it
    /// stands in for a remote storage service, and its own disk persistence is not what is measured.
    /// <paramref name="debugLog"/>, when given, is where Azurite logs every request it serves.
    /// <paramref name="queueSweep"/> is how often its queue service frees deleted messages (<see cref="InMemoryQueueSweep"/>
    /// unless given; Azurite's own period is 60 s).
    /// </summary>
    public static Task<AzuriteServer> StartInMemoryAsync(string? debugLog = null, TimeSpan? queueSweep = null, CancellationToken ct = default) =>
        LaunchAsync(debugLog is null ? ["--inMemoryPersistence"] : ["--inMemoryPersistence", "--debug", debugLog], null, null, ct, queueSweep ?? InMemoryQueueSweep);

    /// <summary>
    /// In memory, Azurite frees deleted queue messages in a sweep that holds every request for a time growing with
    /// the square of the messages since the last sweep: 0.8-2 s once a minute under the Durable engine at 10 calls/s
    /// with its own 60 s period (local/azurite/queue-sweep.cjs). Every second, a sweep frees about 30 messages at that rate: about 0.5 ms.
    /// </summary>
    public static TimeSpan InMemoryQueueSweep { get; } = TimeSpan.FromSeconds(1);

    private static async Task<AzuriteServer> LaunchAsync(
        string[] storageArguments, string? owned, (int Blob, int Queue, int Table)? ports, CancellationToken ct, TimeSpan? queueSweep = null)
    {
        var script = await EnsureInstalledAsync(ct).ConfigureAwait(false);
        var (blob, queue, table) = ports ?? (0, 0, 0);

        var start = new ProcessStartInfo(NodeTools.Node())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (queueSweep is { } sweep)
        {
            start.ArgumentList.Add("--require");
            start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "local", "azurite", "queue-sweep.cjs"));
            start.Environment["AZURITE_QUEUE_SWEEP_MS"] = ((long)sweep.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var arg in new[]
        {
            "--require", FollowParentScript(), script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
        }.Concat(storageArguments))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var output = new System.Text.StringBuilder();
        var listening = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
                if (e.Data is { } line && Listening().Match(line) is { Success: true } m)
                {
                    listening[m.Groups["service"].Value] = int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (listening.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await WaitUntilListeningAsync(process, ready.Task, output, ct).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync(process).ConfigureAwait(false);
            DeleteFolder(owned);
            throw;
        }

        lock (output)
        {
            return new AzuriteServer(process, listening["Blob"], listening["Queue"], listening["Table"], owned);
        }
    }

    /// <summary>What Azurite prints once a service listens, with the port it bound.</summary>
    [GeneratedRegex(@"^Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process).ConfigureAwait(false);
        DeleteFolder(_ownedFolder);
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process.Dispose();
    }

    private static void DeleteFolder(string? folder)
    {
        if (folder is null)
        {
            return;
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>The azurite.js to run, after <c>npm ci</c> from the lockfile if it is not installed yet.</summary>
    public static Task<string> EnsureInstalledAsync(CancellationToken ct = default) =>
        NodeTools.InstallAsync(Path.Combine(RepositoryRoot(), "local", "azurite"), Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js"), ct);

    /// <summary>
    /// Loaded before Azurite: it ignores the terminal's Ctrl+C (whoever started it stops it, after what uses it)
    /// and exits when its parent process is gone.
    /// </summary>
    private static string FollowParentScript() => Path.Combine(RepositoryRoot(), "local", "azurite", "follow-parent.cjs");

    /// <summary>The folder holding CallCenter.sln, found from this assembly or the working directory.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CallCenter.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (the folder holding CallCenter.sln).");
    }

    private static async Task WaitUntilListeningAsync(Process process, Task ready, System.Text.StringBuilder output, CancellationToken ct)
    {
        var exited = process.WaitForExitAsync(ct);
        var first = await Task.WhenAny(ready, exited, Task.Delay(TimeSpan.FromSeconds(60), ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (first == ready)
        {
            return;
        }

        string said;
        lock (output)
        {
            said = output.ToString();
        }

        throw first == exited
            ? new InvalidOperationException($"Azurite exited with code {process.ExitCode}:\n{said}")
            : new TimeoutException($"Azurite did not say it listens within 60 s:\n{said}");
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>
    /// A loopback port free at the time of asking, and never one this process handed out before: a port let go can be
    /// the next one the system hands out, and two of our listeners on one port fail at start (Azurite exits).
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            if (HandedOut.TryAdd(Port(listener), 0))
            {
                return Port(listener);
            }
        }
    }

    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();
}
