using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.DevServices;

/// <summary>
/// Azurite, installed from the repository's own npm lockfile (<c>local/azurite</c>) when missing and run on
/// loopback ports of its own. Tests start one per run in a temporary folder; the local host keeps its data.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
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
    /// dispose when none is given. Ports are free loopback ports unless given.
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
        var (blob, queue, table) = ports ?? FreePorts();

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
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new AzuriteServer(process, blob, queue, table, owned);
        try
        {
            await WaitForPortsAsync(process, [blob, queue, table], output, ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        if (_ownedFolder is not null)
        {
            try
            {
                Directory.Delete(_ownedFolder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
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

    private static async Task WaitForPortsAsync(Process process, int[] ports, System.Text.StringBuilder output, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}:\n{output}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Azurite did not listen on port {port} within 60 s:\n{output}");
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, ct).ConfigureAwait(false);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(100, ct).ConfigureAwait(false);
                }
            }
        }
    }

    private static (int Blob, int Queue, int Table) FreePorts() => (FreePort(), FreePort(), FreePort());

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
